// `tapwatch token` through the built CLI (dist/cli/main.js), as an operator runs it: plain
// sentences when there is no token file yet, `rotate` creating it (0600 even under umask 000),
// `list` without values, show/add/remove, -c choosing the state directory by store.path, and a
// corrupt file named in one line.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { jsonLines, runCli } from '../helpers/cli';
import { CLI } from '../helpers/paths';

const TOKEN = /^tw_[A-Za-z0-9_-]{43}$/;

t.test('token commands on a state directory', async (t) => {
  const dir = t.testdir();
  const db = ['--db', path.join(dir, 'state.db')];
  const file = path.join(dir, 'api-tokens.json');

  const none = runCli(['token', 'show', ...db]);
  t.equal(none.code, 1);
  t.equal(none.stderr, `tapwatch: no token file ${file} yet; start the sensor (tapwatch run) or run \`tapwatch token rotate\`, which creates it\n`);
  t.equal(runCli(['token', 'list', ...db]).code, 1, 'list says the same');

  // the umask of an operator's shell must not widen the file
  const made = spawnSync('sh', ['-c', `umask 000 && exec "${process.execPath}" "${CLI}" token rotate --db "${path.join(dir, 'state.db')}"`], { encoding: 'utf8' });
  t.equal(made.status, 0, made.stderr);
  t.equal(statSync(file).mode & 0o777, 0o600, 'created 0600 under umask 000');
  t.equal(statSync(path.join(dir, 'state.db')).mode & 0o777, 0o600, 'so is the state database its audit record went into');
  t.match(made.stderr, /created .*api-tokens\.json with tokens admin and reader/);
  const admin = made.stdout.trim();
  t.match(admin, TOKEN);
  t.equal(runCli(['token', 'show', ...db]).stdout.trim(), admin, 'show prints the admin token by default');
  const reader = runCli(['token', 'show', 'reader', ...db]).stdout.trim();
  t.match(reader, TOKEN);
  t.not(reader, admin);

  const list = runCli(['token', 'list', '--format', 'json', ...db]);
  t.equal(list.code, 0, list.stderr);
  t.match(JSON.parse(list.stdout), [
    { name: 'admin', role: 'admin', created: /^\d{4}-/ },
    { name: 'reader', role: 'read', created: /^\d{4}-/ },
  ]);
  const table = runCli(['token', 'list', ...db]).stdout;
  t.match(table, /^NAME\s+ROLE\s+CREATED\n/);
  for (const out of [list.stdout, table]) t.notOk(out.includes(admin) || out.includes(reader) || out.includes('tw_'), 'list shows no values');

  const rotated = runCli(['token', 'rotate', 'reader', ...db]);
  t.equal(rotated.code, 0, rotated.stderr);
  t.match(rotated.stderr, /token reader rotated/);
  t.not(rotated.stdout.trim(), reader, 'a new value');
  t.equal(runCli(['token', 'show', 'reader', ...db]).stdout.trim(), rotated.stdout.trim());
  t.equal(runCli(['token', 'show', ...db]).stdout.trim(), admin, 'the other token is unchanged');
  t.equal(statSync(file).mode & 0o777, 0o600, 'still 0600 after a rewrite');

  const added = runCli(['token', 'add', 'ci', '--role', 'read', ...db]);
  t.equal(added.code, 0, added.stderr);
  t.match(added.stdout.trim(), TOKEN);
  t.match(JSON.parse(readFileSync(file, 'utf8')), { version: 1, tokens: [{ name: 'admin' }, { name: 'reader' }, { name: 'ci', role: 'read' }] });
  const again = runCli(['token', 'add', 'ci', '--role', 'read', ...db]);
  t.equal(again.code, 2);
  t.equal(again.stderr, 'tapwatch: a token named ci exists already; rotate it or remove it first\n');
  t.equal(runCli(['token', 'add', 'x', '--role', 'root', ...db]).stderr, 'tapwatch: --role must be read or admin\n');
  t.equal(runCli(['token', 'remove', 'ci', ...db]).code, 0);
  const gone = runCli(['token', 'show', 'ci', ...db]);
  t.equal(gone.code, 2);
  t.equal(gone.stderr, `tapwatch: no token named ci in ${file} (there are: admin, reader)\n`);

  // every change is audited with the local user, and no token value reaches the trail
  const trail = runCli(['audit', ...db, '--format', 'jsonl']);
  t.equal(trail.code, 0, trail.stderr);
  const records = jsonLines(trail.stdout);
  t.match(
    records.map((r) => [r['action'], r['target']]),
    [
      ['token.rotate', 'admin'],
      ['token.rotate', 'reader'],
      ['token.add', 'ci'],
      ['token.remove', 'ci'],
    ],
  );
  t.notOk(/tw_[A-Za-z0-9_-]{20}/.test(trail.stdout), 'no token value in the audit trail');

  writeFileSync(file, '{"version": 1, "tokens": [{"name": "admin"}]}');
  const broken = runCli(['token', 'show', ...db]);
  t.equal(broken.code, 1);
  t.equal(broken.stderr, `tapwatch: ${file}: not a tapwatch token file (tokens[0].role must be read or admin); restore it, or remove it and run \`tapwatch token rotate\` to make new tokens\n`);
});

t.test('-c CONFIG: the token file sits beside store.path', async (t) => {
  const dir = t.testdir();
  const state = path.join(dir, 'state');
  mkdirSync(state);
  const config = path.join(dir, 'tapwatch.yaml');
  writeFileSync(config, stringify({ store: { path: path.join(state, 'tapwatch.db') } }));
  const run = runCli(['token', 'rotate', 'admin', '-c', config]);
  t.equal(run.code, 0, run.stderr);
  t.equal(JSON.parse(readFileSync(path.join(state, 'api-tokens.json'), 'utf8')).tokens[0].token, run.stdout.trim());
  const missing = runCli(['token', 'show', '--db', path.join(dir, 'nope', 'x.db')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^tapwatch: --db .*: directory .* does not exist/);
});
