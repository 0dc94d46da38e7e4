// The installation key: created 0600 at first start, the same bytes on every later start.
import t from 'tap';
import { mkdtempSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INSTALLATION_KEY_FILE, installationKeyFor, loadInstallationKey, processKey } from '../../../src/core/installation-key';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-key-'));

t.test('created with mode 0600 at first start, reused on the next', async (t) => {
  const dir = path.join(tmp, 'state', 'nested');
  const first = loadInstallationKey(dir);
  t.equal(first.length, 32);
  const file = path.join(dir, INSTALLATION_KEY_FILE);
  t.equal(statSync(file).mode & 0o777, 0o600);
  t.same(readdirSync(dir), [INSTALLATION_KEY_FILE], 'no temporary file left');
  const second = loadInstallationKey(dir);
  t.ok(second.equals(first), 'same key on the next start');
  t.ok(installationKeyFor(path.join(dir, 'tapwatch.db')).equals(first), 'the state database directory holds it');
});

t.test('another installation, another key', async (t) => {
  t.notOk(loadInstallationKey(path.join(tmp, 'a')).equals(loadInstallationKey(path.join(tmp, 'b'))));
});

t.test('a damaged key file is an error, never silently replaced', async (t) => {
  const dir = path.join(tmp, 'damaged');
  loadInstallationKey(dir);
  writeFileSync(path.join(dir, INSTALLATION_KEY_FILE), 'short');
  t.throws(() => loadInstallationKey(dir), /not an installation key/);
});

t.test('no state directory: one random key per process, never the one on disk', async (t) => {
  const a = installationKeyFor(null);
  t.equal(a.length, 32);
  t.ok(a.equals(installationKeyFor(':memory:')), 'the same within the process');
  t.ok(a.equals(processKey()));
  t.notOk(a.equals(loadInstallationKey(path.join(tmp, 'c'))));
});
