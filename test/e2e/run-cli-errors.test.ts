// `tapwatch run` refusing to start, as a person at a terminal sees it: one plain line on stderr
// naming the option or what to fix, the exit code the README gives (2 bad usage, 1 runtime), and
// nothing left behind (no stats record, no state database) when the interface or filter is wrong.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { CLI } from '../helpers/paths';

const isRoot = process.getuid?.() === 0;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-run-errors-'));

/** The CLI in `cwd` (where the default state directory would be created). */
function run(args: string[], cwd = tmp): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [CLI, 'run', ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

t.test('bad --duration values are refused before anything starts', async (t) => {
  for (const value of ['abc', '-5', '0', '']) {
    const res = run(['--iface', 'lo', '--duration', value, '--db', path.join(tmp, 'duration.db')]);
    t.equal(res.code, 2, `--duration ${JSON.stringify(value)}`);
    t.same(lines(res.stderr), [`tapwatch: --duration ${value}: give a number of seconds greater than 0`]);
    t.equal(res.stdout, '', 'no log lines');
  }
  t.notOk(existsSync(path.join(tmp, 'duration.db')));
  const batch = run(['--iface', 'lo', '--batch-bytes', 'abc', '--duration', '1']);
  t.equal(batch.code, 2);
  t.match(batch.stderr, /^tapwatch: --batch-bytes abc: /);
});

t.test('a missing interface: one line, no stats record, no database', async (t) => {
  const cwd = mkdtempSync(path.join(tmp, 'cwd-'));
  const db = path.join(tmp, 'never.db');
  const explicit = run(['--iface', 'tapwatch-nosuch0', '--duration', '5', '--db', db], cwd);
  t.equal(explicit.code, 2, 'a name that is no interface is a bad --iface value');
  t.same(lines(explicit.stderr).length, 1, explicit.stderr);
  t.match(explicit.stderr, /^tapwatch: no network interface tapwatch-nosuch0 .*ip link/);
  t.equal(explicit.stdout, '', 'no stats record, no log line');
  t.notOk(existsSync(db), 'no database at --db');
  const byDefault = run(['--iface', 'tapwatch-nosuch0', '--duration', '5'], cwd);
  t.equal(byDefault.code, 2);
  t.notOk(existsSync(path.join(cwd, 'tapwatch-state')), 'no default state directory either');
});

t.test('--db in a missing directory is refused and not created', async (t) => {
  const res = run(['--iface', 'lo', '--duration', '1', '--db', path.join(tmp, 'missing', 'x.db')]);
  t.equal(res.code, 2);
  t.match(res.stderr, /^tapwatch: --db .*: directory .*missing does not exist/);
  t.notOk(existsSync(path.join(tmp, 'missing')));
});

t.test('a bad BPF filter: exit 2, one line, no database', { skip: !isRoot && 'needs root to open lo' }, async (t) => {
  const db = path.join(tmp, 'filter.db');
  const res = run(['--iface', 'lo', '--filter', 'tcp port (', '--duration', '5', '--db', db]);
  t.equal(res.code, 2);
  t.same(lines(res.stderr).length, 1, res.stderr);
  t.match(res.stderr, /^tapwatch: capture filter: bad filter 'tcp port \(': .*pcap-filter/);
  t.notOk(existsSync(db));
});

t.test('the HTTP port in use: exit 1 with one plain line naming api.listen', { skip: !isRoot && 'needs root to open lo' }, async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const port = (holder.address() as AddressInfo).port;
  const config = path.join(tmp, 'port.yaml');
  writeFileSync(config, stringify({ api: { listen: { host: '127.0.0.1', port } } }));
  const res = run(['--iface', 'lo', '--config', config, '--duration', '5', '--db', path.join(tmp, 'port.db')]);
  t.equal(res.code, 1);
  t.same(lines(res.stderr).length, 1, res.stderr);
  t.match(res.stderr, new RegExp(`^tapwatch: cannot start: .*EADDRINUSE.*${port}.*api\\.listen`));
  t.notMatch(res.stdout, /"msg":"capture stopped"/, 'no stats of a capture that never ran');
});
