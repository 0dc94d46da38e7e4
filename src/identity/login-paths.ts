// Which paths are login endpoints. A path with a login word (`/login`, `/oauth/token`,
// `/dvwa/login.php`) is one candidate; any other path whose small form or JSON body might hold a
// login is probed: its first `probeCalls` bodies are read, and it is a login endpoint when one of
// them has a user and a password field. Verdicts are kept (bounded) and written on flush, so a
// restart probes no path again.

export interface PathVerdict {
  /** `host path`, as stored. */
  readonly key: string;
  /** Bodies read so far. */
  probes: number;
  /** A body held a user and a password field: read every call from now on. */
  login: boolean;
  lastSeen: number;
  dirty: boolean;
}

export interface StoredPathVerdict {
  key: string;
  probes: number;
  login: boolean;
  lastSeen: number;
}

export const C_LOGIN_PATHS_FULL = 'identity.login.paths_full';

/** Lower-cased words of a path: its segments, a segment without its extension, and their `-`/`_` parts. */
export function hasLoginWord(path: string, hints: ReadonlySet<string>): boolean {
  let start = 0;
  while (start < path.length) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    if (end > start && segmentMatches(path.slice(start, end).toLowerCase(), hints)) return true;
    start = end + 1;
  }
  return false;
}

function segmentMatches(segment: string, hints: ReadonlySet<string>): boolean {
  if (hints.has(segment)) return true;
  const dot = segment.lastIndexOf('.');
  const stem = dot > 0 ? segment.slice(0, dot) : segment;
  if (stem !== segment && hints.has(stem)) return true;
  for (const part of stem.split(/[-_]/)) if (part !== stem && hints.has(part)) return true;
  return false;
}

export class LoginPaths {
  /** host → path → verdict: nested so a lookup builds no key string. */
  private readonly byHost = new Map<string, Map<string, PathVerdict>>();
  private size = 0;
  private dirty: PathVerdict[] = [];

  constructor(
    private readonly maxPaths: number,
    private readonly probeCalls: number,
    private readonly onFull: () => void,
  ) {}

  /** True when the next body of this path should be read (a known login, or still being probed). */
  shouldRead(host: string, path: string): boolean {
    const v = this.byHost.get(host)?.get(path);
    if (v !== undefined) return v.login || v.probes < this.probeCalls;
    if (this.probeCalls === 0) return false;
    if (this.size >= this.maxPaths) {
      this.onFull();
      return false;
    }
    return true;
  }

  /** A body of the path was read; `login` says whether it held a login. */
  noteRead(host: string, path: string, login: boolean, ts: number): void {
    let paths = this.byHost.get(host);
    if (paths === undefined) this.byHost.set(host, (paths = new Map()));
    let v = paths.get(path);
    if (v === undefined) {
      v = { key: `${host} ${path}`, probes: 0, login: false, lastSeen: ts, dirty: false };
      paths.set(path, v);
      this.size++;
    }
    v.probes++;
    v.login ||= login;
    v.lastSeen = ts;
    if (!v.dirty) {
      v.dirty = true;
      this.dirty.push(v);
    }
  }

  load(rows: readonly StoredPathVerdict[]): void {
    for (const row of rows) {
      if (this.size >= this.maxPaths) return;
      const space = row.key.indexOf(' ');
      if (space < 0) continue;
      const host = row.key.slice(0, space);
      let paths = this.byHost.get(host);
      if (paths === undefined) this.byHost.set(host, (paths = new Map()));
      if (!paths.has(row.key.slice(space + 1))) this.size++;
      paths.set(row.key.slice(space + 1), { key: row.key, probes: row.probes, login: row.login, lastSeen: row.lastSeen, dirty: false });
    }
  }

  /** Verdicts changed since the last call, as rows to store. */
  takeDirty(): StoredPathVerdict[] {
    const out = this.dirty.map((v) => {
      v.dirty = false;
      return { key: v.key, probes: v.probes, login: v.login, lastSeen: v.lastSeen };
    });
    this.dirty = [];
    return out;
  }
}
