// `tapwatch doctor` on this machine: the loopback interface with real listeners for the alert
// destinations passes; a missing interface, a webhook on a closed port, an unwritable state
// directory, an invalid config and a missing spec each fail with a line saying what to fix. The
// command itself runs through commander with its exit code.
import t from 'tap';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { doctorExitCode, formatResults, registerDoctor, runDoctor, secretsInConfigText, type CheckResult } from '../../src/cli/doctor';
import { loadInstallationKey } from '../../src/core/installation-key';
import { openDatabase } from '../../src/store/database';

const isRoot = process.getuid?.() === 0;

async function listener(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

async function closedPort(): Promise<number> {
  const l = await listener();
  await l.close();
  return l.port;
}

function writeConfig(dir: string, name: string, config: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, stringify(config));
  return file;
}

function find(results: readonly CheckResult[], name: string): CheckResult {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no check named ${name} in ${results.map((x) => x.name).join(', ')}`);
  return r;
}

t.test('a working setup on lo passes', { skip: !isRoot && 'needs root (live capture)' }, async (t) => {
  const dir = t.testdir();
  const hook = await listener();
  const collector = await listener();
  t.teardown(() => Promise.all([hook.close(), collector.close()]));
  const config = writeConfig(dir, 'ok.yaml', {
    capture: { interface: 'lo' },
    store: { path: path.join(dir, 'state', 'tapwatch.db') },
    outputs: {
      webhooks: [{ name: 'hook', url: `http://127.0.0.1:${hook.port}/alerts`, secret: 'k' }],
      syslog: [
        { name: 'siem', protocol: 'tcp', host: '127.0.0.1', port: collector.port },
        { name: 'udp-siem', protocol: 'udp', host: '127.0.0.1', port: 514 },
      ],
    },
  });
  const results = await runDoctor({ config });
  t.same(
    results.filter((r) => r.status === 'fail'),
    [],
    formatResults(results),
  );
  t.equal(doctorExitCode(results), 0);
  t.match(find(results, 'config'), { status: 'ok' });
  t.match(find(results, 'interface'), { status: 'ok', detail: /lo exists and is up/ });
  t.match(find(results, 'privileges'), { status: 'ok', detail: /CAP_NET_RAW/ });
  t.match(find(results, 'libpcap'), { status: 'ok', detail: /libpcap version \d/ });
  t.match(find(results, 'capture'), { status: 'ok', detail: /lo opens for capture/ });
  t.ok(['ok', 'warn'].includes(find(results, 'promiscuous').status));
  t.match(find(results, 'state directory'), { status: 'ok' });
  t.match(find(results, 'output webhook hook'), { status: 'ok', detail: new RegExp(`127\\.0\\.0\\.1:${hook.port}`) });
  t.match(find(results, 'output syslog siem'), { status: 'ok' });
  t.match(find(results, 'output syslog udp-siem'), { status: 'info', detail: /not checkable/ });
  // tensorflow where native/install-tensorflow.sh ran, else the WebAssembly backend every install has
  const backend = find(results, 'model backend');
  t.match(backend, { detail: /^TF\.js models run on the (tensorflow|wasm) backend/ });
  t.equal(backend.status, /the tensorflow backend/.test(backend.detail) ? 'ok' : 'info');
});

t.test('each problem fails with what to fix', async (t) => {
  const dir = t.testdir({ 'a-file': 'not a directory' });
  const closed = await closedPort();
  const config = writeConfig(dir, 'bad.yaml', {
    capture: { interface: 'tapwatch-nope0' },
    // a path below a regular file: not creatable, even for root
    store: { path: path.join(dir, 'a-file', 'state', 'tapwatch.db') },
    inventory: { specs: [path.join(dir, 'missing-spec.yaml')] },
    outputs: { webhooks: [{ name: 'hook', url: `http://127.0.0.1:${closed}/alerts`, secret: 'k' }] },
  });
  const results = await runDoctor({ config, connectTimeoutMs: 2000 });
  t.equal(doctorExitCode(results), 1);
  for (const r of results.filter((x) => x.status === 'fail')) t.ok(r.fix && r.fix.length > 10, `${r.name} says how to fix it`);

  const iface = find(results, 'interface');
  t.match(iface, { status: 'fail', detail: /tapwatch-nope0: no such interface.*\blo\b/ });
  t.match(iface.fix, /ip -br link/);
  t.match(find(results, 'capture'), { status: 'fail', detail: /not tried/ });
  t.match(find(results, 'state directory'), { status: 'fail', detail: /not writable/, fix: /store\.path/ });
  t.match(find(results, 'specs'), { status: 'fail', detail: /missing-spec\.yaml: does not exist/ });
  t.match(find(results, 'output webhook hook'), { status: 'fail', detail: new RegExp(`127\\.0\\.0\\.1:${closed} unreachable`), fix: /receiver/ });

  // --iface wins over the config
  const withLo = await runDoctor({ config, iface: 'lo', connectTimeoutMs: 2000 });
  t.match(find(withLo, 'interface'), { status: 'ok' });
});

t.test('an invalid config fails naming the key; a missing secret variable fails', async (t) => {
  const dir = t.testdir();
  const bad = writeConfig(dir, 'typo.yaml', { capture: { snaplenn: 100 } });
  const results = await runDoctor({ config: bad, iface: 'lo' });
  t.match(find(results, 'config'), { status: 'fail', detail: /snaplenn/, fix: /check-config/ });

  const noSecret = writeConfig(dir, 'secret.yaml', {
    outputs: { webhooks: [{ name: 'hook', url: `http://127.0.0.1:${await closedPort()}/`, secretEnv: 'TAPWATCH_DOCTOR_TEST_UNSET' }] },
  });
  delete process.env['TAPWATCH_DOCTOR_TEST_UNSET'];
  const r2 = await runDoctor({ config: noSecret, iface: 'lo', connectTimeoutMs: 1000 });
  t.match(find(r2, 'outputs'), { status: 'fail', detail: /TAPWATCH_DOCTOR_TEST_UNSET/ });
});

t.test('loose permissions on the state and on a config holding secrets are flagged with the fix', async (t) => {
  const dir = t.testdir();
  const stateDir = path.join(dir, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  const db = path.join(stateDir, 'tapwatch.db');
  openDatabase(db, []).close();
  loadInstallationKey(stateDir);
  const config = writeConfig(dir, 'c.yaml', {
    store: { path: db },
    outputs: { webhooks: [{ name: 'hook', url: 'http://127.0.0.1:9/alerts', secret: 'literal-webhook-secret' }] },
  });
  chmodSync(config, 0o640);
  const permissions = async (): Promise<CheckResult[]> => (await runDoctor({ config, iface: 'lo', connectTimeoutMs: 500 })).filter((r) => r.name === 'state permissions');
  t.same((await permissions()).map((r) => r.status), ['ok'], 'a private state directory passes');

  chmodSync(db, 0o644);
  chmodSync(path.join(stateDir, 'installation.key'), 0o644);
  chmodSync(stateDir, 0o755);
  const found = await permissions();
  t.ok(found.every((r) => r.status === 'warn'), formatResults(found));
  t.match(found, [
    { detail: new RegExp(`${stateDir} \\(mode 0755\\) is open to all users`), fix: `chmod 700 ${stateDir}` },
    { detail: new RegExp(`${db} \\(mode 0644\\) can be read`), fix: `chmod 600 ${db}` },
    { detail: /installation\.key \(mode 0644\)/, fix: `chmod 600 ${path.join(stateDir, 'installation.key')}` },
  ]);
  const configCheck = async (): Promise<CheckResult | undefined> => (await runDoctor({ config, iface: 'lo', connectTimeoutMs: 500 })).find((r) => r.name === 'config permissions');
  t.match(await configCheck(), { status: 'ok', detail: /holds secrets and is not readable by other users/ });
  chmodSync(config, 0o644);
  t.match(await configCheck(), { status: 'warn', detail: /readable by every user and holds secrets \(outputs\.webhooks\.0\.secret\)/, fix: `chmod 640 ${config} and chgrp tapwatch ${config}, or move the secrets to \${env:NAME} / secretEnv` });

  if (isRoot) {
    // as root, with the service user present: state root made is unreadable to the service
    const owner = (await runDoctor({ config, iface: 'lo', connectTimeoutMs: 500, serviceUser: 'nobody' })).find((r) => r.name === 'state permissions' && /not owned by the service user nobody/.test(r.detail));
    t.match(owner, { status: 'warn', fix: `chown -R nobody:nobody ${stateDir}` });
  }
});

t.test('secrets written in a config file: tagged keys, secret-named keys and URL credentials, not ${env:} references', async (t) => {
  t.same(
    secretsInConfigText(
      stringify({
        outputs: {
          webhooks: [
            { name: 'a', url: 'https://u:pw@h.example/x', secret: 'plain', headers: { Authorization: 'Bearer t' } },
            { name: 'b', url: 'https://h.example/x?token=abc', secretEnv: 'HOOK_SECRET', headers: { 'X-Key': '${env:KEY}' } },
          ],
        },
        later: { apiToken: 'tok', keyPassphrase: 'pp', passwordFields: ['password'], maxTokens: 5 },
      }),
    ),
    ['outputs.webhooks.0.url', 'outputs.webhooks.0.secret', 'outputs.webhooks.0.headers.Authorization', 'outputs.webhooks.1.url', 'later.apiToken', 'later.keyPassphrase'],
  );
  t.same(secretsInConfigText(stringify({ outputs: { webhooks: [{ name: 'a', url: 'https://h.example/x', secret: '${env:S}' }] } })), []);
});

t.test('the doctor command prints the report and sets the exit code', async (t) => {
  const dir = t.testdir();
  const config = writeConfig(dir, 'c.yaml', { store: { path: path.join(dir, 'db', 'tapwatch.db') } });
  const run = async (args: string[]): Promise<{ out: string; code: number | string | undefined }> => {
    let out = '';
    const program = new Command().exitOverride();
    registerDoctor(program, (text) => (out += text));
    const before = process.exitCode;
    await program.parseAsync(['node', 'tapwatch', 'doctor', ...args]);
    const code = process.exitCode;
    process.exitCode = before;
    return { out, code };
  };
  const missing = await run(['--config', config, '--iface', 'tapwatch-nope0']);
  t.equal(missing.code, 1);
  t.match(missing.out, /\[FAIL\] interface: tapwatch-nope0: no such interface/);
  t.match(missing.out, /\n {7}fix: /);
  t.match(missing.out, /problem\(s\) to fix/);

  const json = await run(['--config', config, '--iface', 'tapwatch-nope0', '--format', 'json']);
  const parsed = JSON.parse(json.out) as { ok: boolean; results: CheckResult[] };
  t.equal(parsed.ok, false);
  t.match(find(parsed.results, 'interface'), { status: 'fail' });

  if (isRoot) {
    const ok = await run(['--config', config, '--iface', 'lo']);
    t.equal(ok.code, 0, ok.out);
    t.match(ok.out, /ready to run/);
  }
});

t.test('the built CLI: `tapwatch doctor` on a missing interface exits 1 and says what to fix', async (t) => {
  const { runCli } = await import('../helpers/cli');
  const dir = t.testdir({ 'tapwatch.yaml': stringify({ store: { path: path.join(t.testdirName, 'state', 'tapwatch.db') }, api: { listen: { port: 0 } } }) });
  const run = runCli(['doctor', '--config', path.join(dir, 'tapwatch.yaml'), '--iface', 'tw-no-such-if0', '--format', 'json']);
  t.equal(run.code, 1, run.stderr);
  const { results } = JSON.parse(run.stdout) as { results: CheckResult[] };
  const iface = results.find((r) => r.name === 'interface');
  t.match(iface, { status: 'fail', detail: /tw-no-such-if0: no such interface/ }, 'the interface check fails naming it');
  t.ok(iface?.fix, 'with a fix');
});
