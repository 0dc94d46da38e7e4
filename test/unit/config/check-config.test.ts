// `tapwatch check-config FILE`: the effective config with secrets masked and exit 0, or every error
// one per line and exit 1; and the commands as commander runs them.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import t, { type Test } from 'tap';
import { parse as parseYaml } from 'yaml';
import { Command } from 'commander';
import { checkConfig, registerConfigCommands } from '../../../src/cli/config-commands';
import { buildConfig, ConfigError, loadConfigFile } from '../../../src/config/load';

function file(t: Test, text: string): string {
  const path = join(t.testdir(), 'tapwatch.yaml');
  writeFileSync(path, text);
  return path;
}

t.test('a valid file prints the effective config with defaults filled in', async (t) => {
  const path = file(t, 'capture:\n  interface: eth1\n');
  const out = checkConfig(path, {});
  t.equal(out.exitCode, 0);
  t.equal(out.stderr, '');
  const printed: unknown = parseYaml(out.stdout);
  t.same(printed, buildConfig({ capture: { interface: 'eth1' } }), 'the printed YAML is the whole config');
  t.same(loadConfigFile(path, {}), printed, 'and what the loader gives');
});

t.test('secrets are masked', async (t) => {
  const secrets = { literal: 'literal-secret-4f2a', header: 'Bearer header-token-77', fromEnv: 'env-secret-91c3', slackPath: 'T000/B000/slack-path-secret', password: 'url-password-5e' };
  const text = [
    'outputs:',
    '  webhooks:',
    '    - name: soc',
    `      url: https://user:${secrets.password}@soc.example.com/hook`,
    `      secret: ${secrets.literal}`,
    '      headers:',
    `        Authorization: ${secrets.header}`,
    '    - name: slack',
    '      url: https://hooks.slack.com/services/${env:SLACK_PATH}',
    '      format: slack',
    '      secret: ${env:HOOK_SECRET}',
    '',
  ].join('\n');
  const out = checkConfig(file(t, text), { HOOK_SECRET: secrets.fromEnv, SLACK_PATH: secrets.slackPath });
  t.equal(out.exitCode, 0, out.stderr);
  for (const [name, value] of Object.entries(secrets)) t.notOk(out.stdout.includes(value), `${name} not printed`);
  const printed = parseYaml(out.stdout) as { outputs: { webhooks: { name: string; url: string; secret: string; headers: Record<string, string> }[] } };
  const [soc, slack] = printed.outputs.webhooks;
  t.equal(soc?.secret, '***');
  t.same(soc?.headers, { Authorization: '***' }, 'header names stay, values are masked');
  t.equal(soc?.url, 'https://user:***@soc.example.com/hook');
  t.equal(slack?.url, 'https://hooks.slack.com/services/***', 'the part from the environment is masked, the rest shown');
  t.equal(slack?.secret, '***');
  t.equal(soc?.name, 'soc', 'other values are shown');
});

t.test('errors: one per line, exit 1', async (t) => {
  const out = checkConfig(file(t, 'capture:\n  snaplen: 1\n  interfce: eth0\nlog:\n  level: loud\n'), {});
  t.equal(out.exitCode, 1);
  t.equal(out.stdout, '');
  const lines = out.stderr.trimEnd().split('\n');
  t.equal(lines.length, 3);
  t.match(lines[0], /^capture\.snaplen: .*\(line 2, column 3\)$/);
  t.match(lines[1], /^capture\.interfce: unknown key, did you mean "interface"\? \(line 3, column 3\)$/);
  t.match(lines[2], /^log\.level: .*\(line 5, column 3\)$/);
});

t.test('YAML syntax errors name line and column', async (t) => {
  const cases: { text: string; line: number; column: number }[] = [
    { text: 'capture:\n  interface: eth0\n\tsnaplen: 100\n', line: 3, column: 1 }, // tab indentation
    { text: 'log:\n  level: info\nlog:\n  level: debug\n', line: 3, column: 1 }, // duplicate key
    { text: 'capture:\n  filter: "tcp\n', line: 3, column: 1 }, // quote not closed before the end
  ];
  for (const c of cases) {
    const out = checkConfig(file(t, c.text), {});
    t.equal(out.exitCode, 1, JSON.stringify(c.text));
    t.match(out.stderr, new RegExp(`^line ${c.line}, column ${c.column}: .*not valid YAML`, 'm'), JSON.stringify(c.text));
  }
});

t.test('other refusals', async (t) => {
  const missing = checkConfig(join(t.testdir(), 'nope.yaml'), {});
  t.equal(missing.exitCode, 1);
  t.match(missing.stderr, /nope\.yaml: cannot read/);
  const list = checkConfig(file(t, '- capture\n'), {});
  t.equal(list.exitCode, 1);
  t.match(list.stderr, /must be a mapping/);
  const empty = checkConfig(file(t, '# nothing set\n'), {});
  t.equal(empty.exitCode, 0, 'an empty file is the defaults');
});

t.test('loadConfigFile throws one ConfigError listing every issue', async (t) => {
  const path = file(t, 'capture:\n  snaplen: 1\nlog:\n  level: loud\n');
  try {
    loadConfigFile(path, {});
    t.fail('accepted');
  } catch (err) {
    t.ok(err instanceof ConfigError);
    t.same((err as ConfigError).issues.map((i) => i.path), ['capture.snaplen', 'log.level']);
    t.match((err as Error).message, /invalid \(2 errors\):\n {2}capture\.snaplen: .*\n {2}log\.level: /);
  }
  t.throws(() => buildConfig({ captur: {} }), /captur: unknown key, did you mean "capture"\?/);
});

t.test('the installed skeleton validates', async (t) => {
  const skeleton = resolve(__dirname, '../../../systemd/tapwatch.yaml');
  const out = checkConfig(skeleton, {});
  t.equal(out.exitCode, 0, out.stderr);
  const config = loadConfigFile(skeleton, {});
  t.equal(config.store.path, '', 'empty store path: systemd StateDirectory');
  t.same(config.outputs.webhooks, []);
});

t.test('through commander', async (t) => {
  const dir = t.testdir();
  writeFileSync(join(dir, 'bad.yaml'), 'inventroy: {}\n');
  writeFileSync(join(dir, 'good.yaml'), 'log:\n  level: debug\n');
  const run = async (...args: string[]): Promise<{ code: number | string | undefined; stdout: string; stderr: string }> => {
    const program = new Command().exitOverride();
    registerConfigCommands(program);
    let stdout = '';
    let stderr = '';
    const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'tapwatch', ...args]);
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
    const code = process.exitCode;
    process.exitCode = undefined;
    return { code, stdout, stderr };
  };
  const bad = await run('check-config', join(dir, 'bad.yaml'));
  t.equal(bad.code, 1);
  t.equal(bad.stderr, 'inventroy: unknown key, did you mean "inventory"? (line 1, column 1)\n');
  const good = await run('check-config', join(dir, 'good.yaml'));
  t.equal(good.code, 0, good.stderr);
  t.match(good.stdout, /level: debug/);
  const docs = await run('config', 'docs', '--format', 'json');
  t.equal(docs.code, 0, docs.stderr);
  t.equal((JSON.parse(docs.stdout) as { title: string }).title, 'Tapwatch configuration');
  const markdown = await run('config', 'docs');
  t.match(markdown.stdout, /^# Tapwatch configuration reference/);
  const unknown = await run('config', 'docs', '--format', 'html');
  t.equal(unknown.code, 2);
});
