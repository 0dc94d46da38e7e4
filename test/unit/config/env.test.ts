// `${env:NAME}` references: replaced before validation, typed by their key when they are the whole
// value, errors naming the key and the variable when missing, `$${` for a literal.
import t from 'tap';
import { expandString, substituteEnv } from '../../../src/config/env-substitution';
import { formatIssue, validateConfigText } from '../../../src/config/validate';

const hook = (secretLine: string, extra = ''): string =>
  ['outputs:', '  webhooks:', '    - name: soc', '      url: https://soc.example.com/h', `      secret: ${secretLine}`, extra, ''].join('\n');

t.test('whole value from the environment', async (t) => {
  const result = validateConfigText(hook('${env:HOOK_SECRET}'), 'test.yaml', { HOOK_SECRET: 'from-env' });
  if (!result.ok) return t.fail(result.issues.map(formatIssue).join('\n'));
  t.equal(result.config.outputs.webhooks[0]?.secret, 'from-env');
  t.same(result.substitutions, [{ path: ['outputs', 'webhooks', 0, 'secret'], whole: true, masked: '***' }]);
});

t.test('embedded references and several in one value', async (t) => {
  const text = ['capture:', '  filter: "host ${env:A} and port ${env:B}"', 'store:', '  path: /var/lib/${env:A}/x.db', ''].join('\n');
  const result = validateConfigText(text, 'test.yaml', { A: '10.0.0.1', B: '8080' });
  if (!result.ok) return t.fail(result.issues.map(formatIssue).join('\n'));
  t.equal(result.config.capture.filter, 'host 10.0.0.1 and port 8080');
  t.equal(result.config.store.path, '/var/lib/10.0.0.1/x.db');
});

t.test('a missing variable names the key and the variable', async (t) => {
  const result = validateConfigText(hook('${env:HOOK_SECRET}'), 'test.yaml', {});
  if (result.ok) return t.fail('accepted');
  t.equal(result.issues.length, 1, 'one error, not a second one for the unexpanded value');
  const line = formatIssue(result.issues[0] ?? { path: '', segments: [], message: '' });
  t.match(line, /^outputs\.webhooks\.0\.secret: /);
  t.match(line, /HOOK_SECRET is not set/);
  t.match(line, /\(line 5, column 7\)$/);
});

t.test('an unknown key whose variable is missing gets both messages', async (t) => {
  const result = validateConfigText('capture:\n  interfase: ${env:IFACE}\n', 'test.yaml', {});
  if (result.ok) return t.fail('accepted');
  t.same(
    result.issues.map((i) => [i.path, i.message.includes('IFACE'), i.suggestion]),
    [
      ['capture.interfase', true, undefined],
      ['capture.interfase', false, 'did you mean "interface"?'],
    ],
  );
});

t.test('several missing variables are all reported', async (t) => {
  const text = ['capture:', '  interface: ${env:IFACE}', '  filter: ${env:FILTER}', ''].join('\n');
  const result = validateConfigText(text, 'test.yaml', {});
  if (result.ok) return t.fail('accepted');
  t.same(
    result.issues.map((i) => i.path),
    ['capture.interface', 'capture.filter'],
  );
  t.match(result.issues[0]?.message, /IFACE/);
  t.match(result.issues[1]?.message, /FILTER/);
});

t.test('$${ is a literal ${', async (t) => {
  const text = ['capture:', '  filter: "$${env:NOT_A_REF} and $${x}"', ''].join('\n');
  const result = validateConfigText(text, 'test.yaml', {});
  if (!result.ok) return t.fail(result.issues.map(formatIssue).join('\n'));
  t.equal(result.config.capture.filter, '${env:NOT_A_REF} and ${x}');
  t.same(result.substitutions, [], 'nothing came from the environment');
});

t.test('a value from the environment is not expanded again', async (t) => {
  const result = validateConfigText(hook('${env:S}'), 'test.yaml', { S: '${env:OTHER}', OTHER: 'nested' });
  if (!result.ok) return t.fail(result.issues.map(formatIssue).join('\n'));
  t.equal(result.config.outputs.webhooks[0]?.secret, '${env:OTHER}');
});

t.test('fallback with :-', async (t) => {
  const text = ['capture:', '  interface: ${env:IFACE:-eth1}', ''].join('\n');
  for (const [env, expected] of [[{}, 'eth1'], [{ IFACE: '' }, 'eth1'], [{ IFACE: 'ens5' }, 'ens5']] as const) {
    const result = validateConfigText(text, 'test.yaml', env);
    t.equal(result.ok && result.config.capture.interface, expected, JSON.stringify(env));
  }
});

t.test('a whole reference takes the type of its key', async (t) => {
  const text = [
    'capture:',
    '  snaplen: ${env:SNAPLEN}',
    '  promisc: ${env:PROMISC}',
    '  interface: ${env:IFACE}',
    'http:',
    '  ports: ${env:PORTS}',
    'outputs:',
    '  syslog:',
    '    - name: siem',
    '      port: ${env:SYSLOG_PORT}',
    '',
  ].join('\n');
  const env = { SNAPLEN: '65535', PROMISC: 'false', IFACE: '0123', PORTS: '[8080, 9090]', SYSLOG_PORT: '5140' };
  const result = validateConfigText(text, 'test.yaml', env);
  if (!result.ok) return t.fail(result.issues.map(formatIssue).join('\n'));
  t.equal(result.config.capture.snaplen, 65535);
  t.equal(result.config.capture.promisc, false);
  t.equal(result.config.capture.interface, '0123', 'a string key keeps the text as written (no octal or number reading)');
  t.same(result.config.http.ports, [8080, 9090]);
  t.equal(result.config.outputs.syslog[0]?.port, 5140);
  const bad = validateConfigText(text, 'test.yaml', { ...env, SNAPLEN: 'big' });
  t.same(bad.ok ? [] : bad.issues.map((i) => i.path), ['capture.snaplen'], 'a non-number for a number key is refused at the key');
});

t.test('other ${...} forms are errors, not literals', async (t) => {
  for (const value of ['${HOOK_SECRET}', '${env:}', '${env:1BAD}', '${file:/etc/x}', 'abc${env:X']) {
    const expanded = expandString(value, { HOOK_SECRET: 'x', X: 'y' });
    t.equal(expanded.errors.length, 1, `${value}: refused`);
  }
  const result = validateConfigText(hook('"${HOOK_SECRET}"'), 'test.yaml', { HOOK_SECRET: 'x' });
  t.same(result.ok ? [] : result.issues.map((i) => i.path), ['outputs.webhooks.0.secret']);
});

t.test('keys are never substituted', async (t) => {
  const { value, substitutions } = substituteEnv({ '${env:K}': '${env:V}' }, { K: 'key', V: 'value' });
  t.same(value, { '${env:K}': 'value' });
  t.same(substitutions.length, 1);
});
