// The per-installation secret that keys credential fingerprints (HMAC): created once in the state
// directory, so the same token gives the same fingerprint across restarts of one installation but
// different ones elsewhere (a fingerprint leaked from one site cannot be matched at another).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const INSTALLATION_KEY_FILE = 'installation.key';
export const INSTALLATION_KEY_BYTES = 32;

/**
 * Reads `<stateDir>/installation.key`, creating it (mode 0600, the directory too if missing) at
 * first start. Throws when the file exists but is not a key: regenerating it silently would change
 * every fingerprint the state database holds.
 */
export function loadInstallationKey(stateDir: string): Buffer {
  const file = path.join(stateDir, INSTALLATION_KEY_FILE);
  const existing = readKey(file);
  if (existing !== null) return existing;
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // written under a private name, then linked: a concurrent start or a crash never leaves a short key
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.fchmodSync(fd, 0o600); // whatever the umask
    fs.writeSync(fd, randomBytes(INSTALLATION_KEY_BYTES));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const key = readKey(file);
  if (key === null) throw new Error(`${file}: could not be created`);
  return key;
}

/** The key in `file`, or null when there is no file. */
function readKey(file: string): Buffer | null {
  let key: Buffer;
  try {
    key = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (key.length !== INSTALLATION_KEY_BYTES) {
    throw new Error(`${file}: not an installation key (${key.length} bytes, expected ${INSTALLATION_KEY_BYTES}); restore it or remove it to start new credential fingerprints`);
  }
  return key;
}

let perProcessKey: Buffer | null = null;

/**
 * A random key made once per process, for sensors without a state directory (replay without --db):
 * fingerprints then agree within the run only, and nothing on disk can be matched against them.
 */
export function processKey(): Buffer {
  perProcessKey ??= randomBytes(INSTALLATION_KEY_BYTES);
  return perProcessKey;
}

/** The key for a sensor whose state database is `dbPath`; the per-process key without one. */
export function installationKeyFor(dbPath: string | null): Buffer {
  if (dbPath === null || dbPath === '' || dbPath === ':memory:') return processKey();
  return loadInstallationKey(path.dirname(path.resolve(dbPath)));
}
