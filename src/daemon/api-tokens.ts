// The local API's bearer tokens (issue 17): `<stateDir>/api-tokens.json`, mode 0600, beside the
// state database. The plaintext lives only in that file (as CrowdSec's local_api_credentials.yaml)
// because `tapwatch token show` must print it; the daemon keeps SHA-256 digests and compares in
// constant time. Every write is a private tmp file, fsync, rename: a reader never sees half a file.
// The daemon re-reads the file when its stat changes, so `tapwatch token rotate` needs no restart.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const API_TOKENS_FILE = 'api-tokens.json';
/** Bumped when the layout changes; a file of another version is refused, not guessed at. */
export const API_TOKENS_VERSION = 1;
export const API_ROLES = ['read', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiToken {
  readonly name: string;
  readonly role: ApiRole;
  /** `tw_` + 32 random bytes, base64url. */
  readonly token: string;
  /** ISO 8601 time the current value was made (creation or the latest rotation). */
  readonly created: string;
}

export interface ApiTokenFile {
  readonly version: number;
  readonly tokens: readonly ApiToken[];
}

/** A token file that cannot be read or is not a token file; the message names the file. */
export class ApiTokensError extends Error {
  override readonly name = 'ApiTokensError';
  constructor(
    message: string,
    readonly code: 'TOKENS_MISSING' | 'TOKENS_CORRUPT' | 'TOKENS_UNKNOWN_NAME' | 'TOKENS_NAME_TAKEN' | 'TOKENS_BAD_NAME',
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The token file of the sensor whose state database is `dbPath` (the directory rule of installationKeyFor). */
export function apiTokensPathFor(dbPath: string): string {
  return path.join(path.dirname(path.resolve(dbPath)), API_TOKENS_FILE);
}

export function generateToken(): string {
  return `tw_${randomBytes(32).toString('base64url')}`;
}

export function checkTokenName(name: string): void {
  if (!NAME.test(name)) throw new ApiTokensError(`token name ${JSON.stringify(name)}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`, 'TOKENS_BAD_NAME');
}

function corrupt(file: string, why: string): ApiTokensError {
  return new ApiTokensError(`${file}: not a tapwatch token file (${why}); restore it, or remove it and run \`tapwatch token rotate\` to make new tokens`, 'TOKENS_CORRUPT');
}

function parseTokenFile(file: string, text: string): ApiTokenFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt(file, 'not valid JSON');
  }
  if (raw === null || typeof raw !== 'object') throw corrupt(file, 'not a JSON object');
  const { version, tokens } = raw as { version?: unknown; tokens?: unknown };
  if (version !== API_TOKENS_VERSION) throw corrupt(file, `version ${JSON.stringify(version)}, expected ${API_TOKENS_VERSION}`);
  if (!Array.isArray(tokens)) throw corrupt(file, 'no tokens list');
  const names = new Set<string>();
  const out: ApiToken[] = [];
  for (const [i, t] of tokens.entries()) {
    const e = t as Partial<Record<keyof ApiToken, unknown>>;
    if (typeof e?.name !== 'string' || !NAME.test(e.name)) throw corrupt(file, `tokens[${i}].name is missing or malformed`);
    if (names.has(e.name)) throw corrupt(file, `token ${e.name} is listed twice`);
    if (!API_ROLES.includes(e.role as ApiRole)) throw corrupt(file, `tokens[${i}].role must be ${API_ROLES.join(' or ')}`);
    // short values would be guessable; the generator makes 46 characters
    if (typeof e.token !== 'string' || !/^tw_[A-Za-z0-9_-]{32,}$/.test(e.token)) throw corrupt(file, `tokens[${i}].token is missing or malformed`);
    if (typeof e.created !== 'string') throw corrupt(file, `tokens[${i}].created is missing`);
    names.add(e.name);
    out.push({ name: e.name, role: e.role as ApiRole, token: e.token, created: e.created });
  }
  return { version, tokens: out };
}

/** The token file, or null when there is none. Throws ApiTokensError for a file that is not one. */
export function readTokenFile(file: string): ApiTokenFile | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ApiTokensError(`${file}: cannot read: ${(err as Error).message}`, 'TOKENS_CORRUPT');
  }
  return parseTokenFile(file, text);
}

/** The file's owner for a rewrite by root: the old file's, else the state directory's (the daemon's user). */
function ownerFor(file: string): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const p of [file, path.dirname(file)]) {
    try {
      const st = fs.statSync(p);
      return { uid: st.uid, gid: st.gid };
    } catch {
      // next
    }
  }
  return null;
}

/**
 * Writes the file atomically with mode 0600 whatever the umask. `exclusive`: only if there is no
 * file yet (link, not rename), so two first starts cannot hand out different tokens.
 */
function writeTokenFile(file: string, data: ApiTokenFile, exclusive: boolean): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const owner = ownerFor(file);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    // root rotating a token must not take the file away from the daemon's user
    if (owner) fs.fchownSync(fd, owner.uid, owner.gid);
    fs.writeSync(fd, JSON.stringify(data, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  let written = true;
  try {
    if (exclusive) {
      try {
        fs.linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        written = false;
      }
    } else {
      fs.renameSync(tmp, file);
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  // the rename itself is durable once the directory is synced
  const dir = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
  return written;
}

function newToken(name: string, role: ApiRole): ApiToken {
  return { name, role, token: generateToken(), created: new Date().toISOString() };
}

/** The file, created with `admin` (role admin) and `reader` (role read) when missing; `created` says which. */
export function loadOrCreateTokenFile(file: string): { data: ApiTokenFile; created: boolean } {
  const existing = readTokenFile(file);
  if (existing) return { data: existing, created: false };
  const data = { version: API_TOKENS_VERSION, tokens: [newToken('admin', 'admin'), newToken('reader', 'read')] };
  const created = writeTokenFile(file, data, true);
  // a concurrent creator won: use its tokens
  return { data: created ? data : (readTokenFile(file) ?? data), created };
}

function missing(file: string): ApiTokensError {
  return new ApiTokensError(`no token file ${file} yet; start the sensor (tapwatch run) or run \`tapwatch token rotate\`, which creates it`, 'TOKENS_MISSING');
}

function unknownName(file: string, name: string, data: ApiTokenFile): ApiTokensError {
  return new ApiTokensError(`no token named ${name} in ${file} (there are: ${data.tokens.map((t) => t.name).join(', ') || 'none'})`, 'TOKENS_UNKNOWN_NAME');
}

/** The token named `name`; throws when the file or the name is missing. */
export function showToken(file: string, name: string): ApiToken {
  const data = readTokenFile(file);
  if (!data) throw missing(file);
  const token = data.tokens.find((t) => t.name === name);
  if (!token) throw unknownName(file, name, data);
  return token;
}

export function listTokens(file: string): ApiToken[] {
  const data = readTokenFile(file);
  if (!data) throw missing(file);
  return [...data.tokens];
}

/** A new value for `name` (the old one stops working); creates the file first when missing. */
export function rotateToken(file: string, name: string): { token: ApiToken; fileCreated: boolean } {
  const { data, created } = loadOrCreateTokenFile(file);
  const old = data.tokens.find((t) => t.name === name);
  if (!old) throw unknownName(file, name, data);
  // a file just made already holds a fresh value
  if (created) return { token: old, fileCreated: true };
  const next = newToken(name, old.role);
  writeTokenFile(file, { version: API_TOKENS_VERSION, tokens: data.tokens.map((t) => (t.name === name ? next : t)) }, false);
  return { token: next, fileCreated: false };
}

export function addToken(file: string, name: string, role: ApiRole): ApiToken {
  checkTokenName(name);
  const data = readTokenFile(file);
  if (!data) throw missing(file);
  if (data.tokens.some((t) => t.name === name)) throw new ApiTokensError(`a token named ${name} exists already; rotate it or remove it first`, 'TOKENS_NAME_TAKEN');
  const token = newToken(name, role);
  writeTokenFile(file, { version: API_TOKENS_VERSION, tokens: [...data.tokens, token] }, false);
  return token;
}

export function removeToken(file: string, name: string): void {
  const data = readTokenFile(file);
  if (!data) throw missing(file);
  if (!data.tokens.some((t) => t.name === name)) throw unknownName(file, name, data);
  writeTokenFile(file, { version: API_TOKENS_VERSION, tokens: data.tokens.filter((t) => t.name !== name) }, false);
}

/** Who a token belongs to. */
export interface TokenHolder {
  readonly name: string;
  readonly role: ApiRole;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The daemon's view of the token file: digests only, re-read when the file's stat changes (a
 * rotation by the CLI). A file that turns unreadable keeps the last good tokens and is reported.
 */
export class ApiTokens {
  private holders: { holder: TokenHolder; digest: Buffer }[] = [];
  private stamp = '';

  private constructor(
    readonly file: string,
    private readonly onReloadError: (err: Error) => void,
  ) {}

  /** Loads the file, creating it at first start; throws ApiTokensError for a corrupt one. */
  static open(file: string, onReloadError: (err: Error) => void = () => {}): { tokens: ApiTokens; created: boolean } {
    const { created } = loadOrCreateTokenFile(file);
    const tokens = new ApiTokens(file, onReloadError);
    tokens.refresh(true);
    return { tokens, created };
  }

  get size(): number {
    return this.holders.length;
  }

  /** One stat; re-reads only when mtime, size or inode moved. */
  refresh(strict = false): void {
    let stamp: string;
    try {
      const st = fs.statSync(this.file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch (err) {
      if (strict) throw err;
      stamp = 'gone';
    }
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    try {
      const data = readTokenFile(this.file);
      if (!data) throw missing(this.file);
      this.holders = data.tokens.map((t) => ({ holder: { name: t.name, role: t.role }, digest: digest(t.token) }));
    } catch (err) {
      if (strict) throw err;
      this.onReloadError(err as Error);
    }
  }

  /** The holder of `presented`, or null; every token is compared (equal-length digests, constant time). */
  authenticate(presented: string): TokenHolder | null {
    this.refresh();
    const d = digest(presented);
    let found: TokenHolder | null = null;
    for (const h of this.holders) if (timingSafeEqual(d, h.digest) && found === null) found = h.holder;
    return found;
  }
}
