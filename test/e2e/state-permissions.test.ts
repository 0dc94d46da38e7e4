// The state at rest is the service user's alone whatever the umask it was started with: the daemon
// (`tapwatch run`, started from a shell with umask 022) and `tapwatch replay --db` create the state
// directory 0700 and the database, its -wal/-shm and installation.key 0600; a database left
// world-readable is tightened when it is opened; `tapwatch doctor` finds nothing to fix in a state
// directory the daemon made.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { runDoctor } from '../../src/cli/doctor';
import { openDatabase } from '../../src/store/database';
import { CLI } from '../helpers/paths';
import { writeHttpPcap } from '../helpers/pcap-writer';
import { stopProcess, waitForText } from '../helpers/processes';

const isRoot = process.getuid?.() === 0;
const mode = (file: string): number => fs.statSync(file).mode & 0o777;

/** The built CLI under `umask 022`, as a person at a shell would start it. */
function cliUnderUmask022(args: string[]) {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return spawn('/bin/sh', ['-c', `umask 022 && exec ${quoted}`], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function expectPrivate(t: Test, stateDir: string, db: string): void {
  t.equal(mode(stateDir), 0o700, `${path.basename(stateDir)}/ is 0700`);
  for (const file of [db, `${db}-wal`, `${db}-shm`, path.join(stateDir, 'installation.key')]) {
    if (fs.existsSync(file)) t.equal(mode(file), 0o600, `${path.basename(file)} is 0600`);
  }
  t.ok(fs.existsSync(db) && fs.existsSync(path.join(stateDir, 'installation.key')), 'database and key were created');
}

t.test('the daemon started with umask 022 keeps its state private; doctor finds nothing to fix', { skip: !isRoot && 'needs root (live capture on lo)' }, async (t) => {
  const dir = t.testdir();
  const stateDir = path.join(dir, 'state');
  const db = path.join(stateDir, 'tapwatch.db');
  const config = path.join(dir, 'tapwatch.yaml');
  fs.writeFileSync(config, stringify({ capture: { interface: 'lo' }, store: { path: db }, api: { listen: { port: 0 } }, models: { enabled: false } }));
  const child = cliUnderUmask022(['run', '--config', config]);
  child.stderr?.resume();
  await waitForText(child, 'stdout', 'state and alerting ready', 60000);
  t.equal(await stopProcess(child), 0, 'stops cleanly');
  expectPrivate(t, stateDir, db);

  const results = await runDoctor({ config, iface: 'lo' });
  const permissions = results.filter((r) => r.name === 'state permissions');
  t.same(permissions.map((r) => r.status), ['ok'], permissions.map((r) => r.detail).join('; '));
});

t.test('replay --db with umask 022: directory 0700, database and key 0600', async (t) => {
  const dir = t.testdir();
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(stateDir, { mode: 0o700 });
  const db = path.join(stateDir, 'tapwatch.db');
  const pcap = path.join(dir, 'one.pcap');
  const body = '{"ok":true}';
  writeHttpPcap(pcap, [{ client: '10.0.0.2', server: '10.0.0.1', serverPort: 80, request: 'GET /api/x HTTP/1.1\r\nHost: a.example\r\nAuthorization: Bearer opaque-token-0123456789\r\n\r\n', response: `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}` }]);
  const child = cliUnderUmask022(['replay', '--db', db, pcap]);
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.equal(code, 0, stderr);
  expectPrivate(t, stateDir, db);
});

t.test('a database directory the store creates is 0700; a world-readable database is tightened on open', async (t) => {
  const dir = t.testdir();
  const old = process.umask(0o022);
  t.teardown(() => void process.umask(old));
  const db = path.join(dir, 'new', 'state.db');
  openDatabase(db, []).close();
  t.equal(mode(path.dirname(db)), 0o700);
  t.equal(mode(db), 0o600);

  fs.chmodSync(db, 0o644);
  const warnings: string[] = [];
  const again = openDatabase(db, [], { onPermissionWarning: (m) => warnings.push(m) });
  again.prepare('CREATE TABLE IF NOT EXISTS x (a)').run();
  t.equal(mode(db), 0o600, 'tightened');
  for (const suffix of ['-wal', '-shm']) if (fs.existsSync(db + suffix)) t.equal(mode(db + suffix), 0o600, `${suffix} 0600`);
  again.close();
  t.same(warnings, [], 'nothing to warn about: the owner could fix it');
});
