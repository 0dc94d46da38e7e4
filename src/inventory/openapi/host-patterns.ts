// Host patterns that bind a spec to the hosts serving it (`inventory.specs[].hosts`):
//   api.example.com        that name on any port
//   api.example.com:8443   that name on that port only
//   *.example.com, api-?.internal   globs: `*` any run of characters except a dot, `?` one character
//   10.0.0.0/8, fd00::/8   CIDRs: a Host that is an IP literal in the range, or a server address in it
//                          (the mirror sees `Host: api.internal` sent to 10.1.2.3: the range still binds)
// Names compare case-insensitively, with a trailing dot ignored. IPv6 hosts are written `[::1]:8080`.
import { parseAddress, parseRange, rangeContains, type AddressRange } from '../../core/address-match';

export interface HostPattern {
  readonly text: string;
  /** `host` is the endpoint's Host (maybe with a port); `serverAddress` the server's IP when known. */
  matches(host: string, serverAddress?: string): boolean;
}

/** Splits `name:port` / `[v6]:port` into a lower-case name (brackets kept off) and port. */
export function splitHostPort(host: string): { name: string; port?: string } {
  const h = host.trim().toLowerCase();
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(h);
  if (v6) return { name: v6[1] ?? '', ...(v6[2] !== undefined ? { port: v6[2] } : {}) };
  const m = /^([^:]*)(?::(\d+))?$/.exec(h);
  if (!m) return { name: h };
  return { name: (m[1] ?? '').replace(/\.$/, ''), ...(m[2] !== undefined ? { port: m[2] } : {}) };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Throws with a message naming the pattern when it is neither a name, a glob nor a CIDR. */
export function compileHostPattern(text: string): HostPattern {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('an empty host pattern binds nothing');
  if (trimmed.includes('://')) throw new Error(`"${text}" is a URL, not a host name: give the host (api.example.com) or host:port`);
  if (trimmed.includes('/')) {
    const range = parseRange(trimmed);
    if (!range) throw new Error(`"${text}" is not a CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`);
    return cidrPattern(trimmed, range);
  }
  const { name, port } = splitHostPort(trimmed);
  if (name === '' || /[\s/@]/.test(name)) throw new Error(`"${text}" is not a host name, host:port, glob or CIDR`);
  const literalAddress = parseAddress(name);
  const re = name.includes('*') || name.includes('?') ? globToRegExp(name) : null;
  return {
    text: trimmed,
    matches(host: string): boolean {
      const h = splitHostPort(host);
      if (port !== undefined && h.port !== port) return false;
      if (re) return re.test(h.name);
      if (literalAddress) {
        const other = parseAddress(h.name);
        return other !== null && other.every((b, i) => b === literalAddress[i]);
      }
      return h.name === name;
    },
  };
}

function cidrPattern(text: string, range: AddressRange): HostPattern {
  return {
    text,
    matches(host: string, serverAddress?: string): boolean {
      const literal = parseAddress(splitHostPort(host).name);
      if (literal && rangeContains(range, literal)) return true;
      const server = serverAddress !== undefined ? parseAddress(splitHostPort(serverAddress).name) : null;
      return server !== null && rangeContains(range, server);
    },
  };
}
