// Test frame builders. Each builder wraps an inner `Built` (bytes + header spans, outermost first)
// in one protocol header, fixing length fields and IP/TCP/UDP checksums, so tests can both decode
// the frame and know which protocol's header covers each byte offset.
import { RawFrame } from '../../../src/capture/types';

export interface Span {
  /** Protocol name as used in anomaly names (`decode.<name>.truncated`). */
  name: string;
  len: number;
}

export interface Built {
  bytes: Uint8Array;
  spans: Span[];
}

export function payload(bytes: Uint8Array | string | number[] = new Uint8Array(0)): Built {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes);
  return { bytes: b, spans: [] };
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function wrap(name: string, header: Uint8Array, inner: Built, spanLen = header.length): Built {
  return { bytes: cat(header, inner.bytes), spans: [{ name, len: spanLen }, ...inner.spans] };
}

function be16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}
function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export function ip4(s: string): number[] {
  return s.split('.').map(Number);
}

export function ip6(s: string): number[] {
  const [head = '', tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = s.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => be16(parseInt(g, 16)));
}

function csum(bytes: Uint8Array | number[], initial = 0): number {
  let s = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) s += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2) s += bytes[bytes.length - 1]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** Fill the TCP/UDP checksum of `seg` (in place) for the given pseudo-header. */
function fixTransportChecksum(seg: Uint8Array, proto: number, src: number[], dst: number[]): void {
  const at = proto === 6 ? 16 : proto === 17 ? 6 : -1;
  if (at < 0 || seg.length < at + 2) return;
  seg[at] = 0;
  seg[at + 1] = 0;
  let s = 0;
  for (const a of [src, dst]) for (let i = 0; i < a.length; i += 2) s += (a[i]! << 8) | a[i + 1]!;
  s += proto + seg.length;
  let c = csum(seg, s);
  if (proto === 17 && c === 0) c = 0xffff;
  seg[at] = c >> 8;
  seg[at + 1] = c & 0xff;
}

// ---------------------------------------------------------------- link layers

export function eth(type: number, inner: Built, dst = [2, 0, 0, 0, 0, 2], src = [2, 0, 0, 0, 0, 1]): Built {
  return wrap('ethernet', Uint8Array.from([...dst, ...src, ...be16(type)]), inner);
}

export function vlan(id: number, type: number, inner: Built, pcp = 0): Built {
  return wrap('vlan', Uint8Array.from([...be16((pcp << 13) | id), ...be16(type)]), inner);
}

/** 802.1ah I-TAG (service id `isid`); `inner` is the customer's Ethernet frame. */
export function pbb(isid: number, inner: Built): Built {
  return wrap('pbb', Uint8Array.from([0x00, (isid >> 16) & 0xff, (isid >> 8) & 0xff, isid & 0xff]), inner);
}

export function mpls(labels: number[], inner: Built): Built {
  const bytes: number[] = [];
  labels.forEach((l, i) => bytes.push(...be32(((l << 12) | (i === labels.length - 1 ? 0x100 : 0) | 64) >>> 0)));
  // The payload type is guessed from the first payload byte, so MPLS "owns" that byte too.
  const b = wrap('mpls', Uint8Array.from(bytes), inner, bytes.length + 1);
  if (b.spans[1]) b.spans[1] = { ...b.spans[1], len: b.spans[1].len - 1 };
  return b;
}

export function pppoe(session: number, pppProto: number, inner: Built): Built {
  return wrap('pppoe', Uint8Array.from([0x11, 0, ...be16(session), ...be16(inner.bytes.length + 2), ...be16(pppProto)]), inner);
}

export function sll(proto: number, inner: Built): Built {
  return wrap('sll', Uint8Array.from([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, ...be16(proto)]), inner);
}

export function sll2(proto: number, inner: Built): Built {
  return wrap('sll2', Uint8Array.from([...be16(proto), 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]), inner);
}

export function nullHdr(af: number, littleEndian: boolean, inner: Built): Built {
  const b = littleEndian ? [af & 0xff, (af >> 8) & 0xff, 0, 0] : be32(af);
  return wrap('null', Uint8Array.from(b), inner);
}

export function chdlc(type: number, inner: Built): Built {
  return wrap('chdlc', Uint8Array.from([0x0f, 0, ...be16(type)]), inner);
}

export function ppp(proto: number, inner: Built): Built {
  return wrap('ppp', Uint8Array.from([0xff, 0x03, ...be16(proto)]), inner);
}

/** NFLOG: header, a prefix TLV (type 10), then the payload TLV (type 9). Lengths little-endian. */
export function nflog(family: number, inner: Built): Built {
  const prefix = [...new TextEncoder().encode('tapwatch')];
  const tlv1 = [(4 + prefix.length) & 0xff, 0, 10, 0, ...prefix];
  while (tlv1.length % 4) tlv1.push(0);
  const plen = 4 + inner.bytes.length;
  const header = [family, 0, 0, 1, ...tlv1, plen & 0xff, plen >> 8, 9, 0];
  const pad = (4 - (inner.bytes.length % 4)) % 4;
  const b = wrap('nflog', Uint8Array.from(header), { bytes: cat(inner.bytes, new Uint8Array(pad)), spans: inner.spans });
  return b;
}

// ---------------------------------------------------------------- IP

export interface Ip4Opts {
  src?: string;
  dst?: string;
  proto: number;
  id?: number;
  ttl?: number;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  more?: boolean;
  dontFragment?: boolean;
  options?: number[];
  /** Override the total length field. */
  totalLength?: number;
  /** Do not fix the transport checksum (e.g. for fragments). */
  rawPayload?: boolean;
}

export function ipv4(o: Ip4Opts, inner: Built): Built {
  const src = ip4(o.src ?? '10.0.0.1');
  const dst = ip4(o.dst ?? '10.0.0.2');
  const opts = o.options ?? [];
  const hl = 20 + opts.length;
  const seg = Uint8Array.from(inner.bytes);
  if (!o.rawPayload && !o.more && !o.fragOffset) fixTransportChecksum(seg, o.proto, src, dst);
  const total = o.totalLength ?? hl + seg.length;
  const ff = ((o.fragOffset ?? 0) >> 3) | (o.more ? 0x2000 : 0) | (o.dontFragment ? 0x4000 : 0);
  const h = [0x40 | (hl >> 2), 0, ...be16(total), ...be16(o.id ?? 0x1234), ...be16(ff), o.ttl ?? 64, o.proto, 0, 0, ...src, ...dst, ...opts];
  const c = csum(h);
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return wrap('ipv4', Uint8Array.from(h), { bytes: seg, spans: inner.spans });
}

export interface Ip6Opts {
  src?: string;
  dst?: string;
  /** Next header of the transport (after extension headers). */
  proto: number;
  hlim?: number;
  /** Extension headers: [type, body bytes excluding next-header/length] with 8-byte units padded. */
  ext?: { type: number; body?: number[] }[];
  rawPayload?: boolean;
}

export function ipv6(o: Ip6Opts, inner: Built): Built {
  const src = ip6(o.src ?? '2001:db8::1');
  const dst = ip6(o.dst ?? '2001:db8::2');
  const seg = Uint8Array.from(inner.bytes);
  if (!o.rawPayload) fixTransportChecksum(seg, o.proto, src, dst);
  const ext: number[] = [];
  const exts = o.ext ?? [];
  exts.forEach((e, i) => {
    const next = i + 1 < exts.length ? exts[i + 1]!.type : o.proto;
    if (e.type === 44) {
      ext.push(next, 0, ...(e.body ?? [0, 0, 0, 0, 0, 0]));
    } else if (e.type === 51) {
      const body = e.body ?? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
      ext.push(next, (body.length + 2) / 4 - 2, ...body);
    } else {
      const body = [...(e.body ?? [1, 4, 0, 0, 0, 0])];
      while ((body.length + 2) % 8) body.push(0);
      ext.push(next, (body.length + 2) / 8 - 1, ...body);
    }
  });
  const first = exts.length ? exts[0]!.type : o.proto;
  const plen = ext.length + seg.length;
  const h = [0x60, 0, 0, 0, ...be16(plen), first, o.hlim ?? 64, ...src, ...dst, ...ext];
  return wrap('ipv6', Uint8Array.from(h), { bytes: seg, spans: inner.spans });
}

// ---------------------------------------------------------------- transport

export interface TcpOpts {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  mss?: number;
  wscale?: number;
}

export function tcp(o: TcpOpts, inner: Built): Built {
  const opts: number[] = [];
  if (o.mss !== undefined) opts.push(2, 4, ...be16(o.mss));
  if (o.wscale !== undefined) opts.push(1, 3, 3, o.wscale);
  while (opts.length % 4) opts.push(0);
  const hl = 20 + opts.length;
  const h = [
    ...be16(o.sport ?? 40000),
    ...be16(o.dport ?? 80),
    ...be32(o.seq ?? 1000),
    ...be32(o.ack ?? 0),
    (hl >> 2) << 4,
    o.flags ?? 0x18,
    ...be16(o.window ?? 65535),
    0,
    0,
    0,
    0,
    ...opts,
  ];
  return wrap('tcp', Uint8Array.from(h), inner);
}

export function udp(sport: number, dport: number, inner: Built, lengthOverride?: number): Built {
  return wrap('udp', Uint8Array.from([...be16(sport), ...be16(dport), ...be16(lengthOverride ?? 8 + inner.bytes.length), 0, 0]), inner);
}

// ---------------------------------------------------------------- tunnels

export function vxlan(vni: number, inner: Built, reserved = 0): Built {
  return wrap('vxlan', Uint8Array.from([0x08, reserved, reserved, reserved, (vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff, reserved]), inner);
}

export function geneve(vni: number, protoType: number, inner: Built, optionWords = 0): Built {
  const opts: number[] = [];
  for (let i = 0; i < optionWords; i++) opts.push(i === 0 ? 0x01 : 0xaa, 0x02, 0x03, 0x04);
  const h = [optionWords & 0x3f, 0, ...be16(protoType), (vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff, 0, ...opts];
  return wrap('geneve', Uint8Array.from(h), inner);
}

export interface GreOpts {
  proto: number;
  key?: number;
  seq?: number;
  checksum?: boolean;
  version?: number;
}

export function gre(o: GreOpts, inner: Built): Built {
  let flags = o.version ?? 0;
  const opt: number[] = [];
  if (o.checksum) {
    flags |= 0x8000;
    opt.push(0, 0, 0, 0);
  }
  if (o.key !== undefined) {
    flags |= 0x2000;
    opt.push(...be32(o.key));
  }
  if (o.seq !== undefined) {
    flags |= 0x1000;
    opt.push(...be32(o.seq));
  }
  return wrap('gre', Uint8Array.from([...be16(flags), ...be16(o.proto), ...opt]), inner);
}

export function erspan2(session: number, inner: Built, vlanId = 0): Built {
  const h = [0x10 | ((vlanId >> 8) & 0x0f), vlanId & 0xff, (session >> 8) & 0x03, session & 0xff, 0, 0, 0, 7];
  return wrap('erspan2', Uint8Array.from(h), inner);
}

export function erspan3(session: number, inner: Built, opts: { platform?: boolean; frameType?: number } = {}): Built {
  const ft = opts.frameType ?? 0;
  const w = (ft << 10) | (opts.platform ? 1 : 0);
  const h = [0x20, 0, (session >> 8) & 0x03, session & 0xff, 1, 2, 3, 4, 0, 0, ...be16(w)];
  if (opts.platform) h.push(0x0c, 0, 0, 0, 0, 0, 0, 0);
  return wrap('erspan3', Uint8Array.from(h), inner);
}

// ---------------------------------------------------------------- frames

export function toFrame(bytes: Uint8Array, linkType = 1, tsSec = 1_700_000_000, tsNsec = 0, lead = 0): RawFrame {
  const f = new RawFrame();
  const buf = Buffer.alloc(bytes.length + lead + 3, 0xee);
  buf.set(bytes, lead);
  f.data = buf;
  f.offset = lead;
  f.caplen = bytes.length;
  f.wirelen = bytes.length;
  f.linkType = linkType;
  f.tsSec = tsSec;
  f.tsNsec = tsNsec;
  return f;
}

/** Offset of the end of the last header (start of the innermost payload). */
export function headerEnd(b: Built): number {
  return b.spans.reduce((a, s) => a + s.len, 0);
}

/** Name of the protocol whose header contains byte offset n (i.e. cut when only n bytes are kept). */
export function spanAt(b: Built, n: number): string | undefined {
  let o = 0;
  for (const s of b.spans) {
    if (n < o + s.len) return s.name;
    o += s.len;
  }
  return undefined;
}

export const HTTP_GET = 'GET /api/v1/users/42 HTTP/1.1\r\nHost: api.example\r\n\r\n';
