// Unknown keys are errors at every level, one per key, with the closest allowed key suggested.
import t from 'tap';
import { configSchema } from '../../../src/config/schema';
import { formatDataPath, formatKeyPath, schemaKeys } from '../../../src/config/schema-walk';
import { closestKey, editDistance } from '../../../src/config/suggest';
import { formatIssue, validateConfigObject, validateConfigText } from '../../../src/config/validate';
import { baseConfig, concretePath, withValue } from './helpers';

/** `inventory` → `invnetory`: two neighbouring letters swapped (a different key when they differ). */
function transpose(name: string): string | undefined {
  for (let i = 1; i + 1 < name.length; i++) {
    if (name[i] !== name[i + 1]) return name.slice(0, i) + (name[i + 1] ?? '') + (name[i] ?? '') + name.slice(i + 2);
  }
  return undefined;
}

t.test('edit distance', async (t) => {
  t.equal(editDistance('inventroy', 'inventory'), 1, 'a swap is one edit');
  t.equal(editDistance('secrte', 'secret'), 1);
  t.equal(editDistance('', 'abc'), 3);
  t.equal(editDistance('kitten', 'sitting'), 3);
  t.equal(closestKey('buffer_size_bytes', ['bufferSizeBytes', 'snaplen']), 'bufferSizeBytes', 'snake_case finds camelCase');
  t.equal(closestKey('SNAPLEN', ['bufferSizeBytes', 'snaplen']), 'snaplen', 'case does not matter');
  t.equal(closestKey('colour', ['backend', 'interface']), undefined, 'nothing close: no suggestion');
});

t.test('a typo of every key, at every level, suggests that key', async (t) => {
  let checked = 0;
  for (const key of schemaKeys(configSchema)) {
    const name = key.path[key.path.length - 1] ?? '';
    const typo = transpose(name);
    if (!typo || name.length < 4) continue;
    const path = [...concretePath(key).slice(0, -1), typo];
    const result = validateConfigObject(withValue(baseConfig(), path, 1));
    const label = `${formatKeyPath(key.path)} written as ${typo}`;
    if (result.ok) {
      t.fail(`${label}: accepted`);
      continue;
    }
    t.same(
      result.issues.map((i) => [i.path, i.message, i.suggestion]),
      [[formatDataPath(path), 'unknown key', `did you mean "${name}"?`]],
      label,
    );
    checked++;
  }
  t.ok(checked > 100, `${checked} typos checked`);
});

t.test('the brief examples, in YAML, with their lines', async (t) => {
  const text = ['inventroy:', '  specs: []', 'outputs:', '  webhooks:', '    - name: soc', '      url: https://soc.example.com/h', '      secrte: abc', ''].join('\n');
  const result = validateConfigText(text, 'test.yaml', {});
  if (result.ok) return t.fail('accepted');
  const lines = result.issues.map(formatIssue);
  t.same(lines, [
    'inventroy: unknown key, did you mean "inventory"? (line 1, column 1)',
    // the destination still needs its secret: reported too, at the missing key, in the destination's place
    'outputs.webhooks.0.secret: set exactly one of secret and secretEnv',
    'outputs.webhooks.0.secrte: unknown key, did you mean "secret"? (line 7, column 7)',
  ]);
});

t.test('every error is reported at once', async (t) => {
  const text = [
    'capture:',
    '  snaplen: 10', // below minimum
    '  promisc: "yes"', // wrong type
    '  interfase: eth0', // typo
    'log:',
    '  level: loud', // not in enum
    'statsIntervalSec: 0', // below minimum
    'color: blue', // unknown, nothing close
    '',
  ].join('\n');
  const result = validateConfigText(text, 'test.yaml', {});
  if (result.ok) return t.fail('accepted');
  t.same(result.issues.map((i) => i.path).sort(), ['capture.interfase', 'capture.promisc', 'capture.snaplen', 'color', 'log.level', 'statsIntervalSec']);
  const typo = result.issues.find((i) => i.path === 'capture.interfase');
  t.equal(typo?.suggestion, 'did you mean "interface"?');
  t.equal(result.issues.find((i) => i.path === 'color')?.suggestion, undefined, 'no suggestion when nothing is close');
  // positions are where the key is written
  const lines = text.split('\n');
  for (const issue of result.issues) {
    const key = issue.path.split('.').pop() ?? '';
    t.equal(issue.line, lines.findIndex((l) => l.trimStart().startsWith(`${key}:`)) + 1, `${issue.path} line`);
    t.equal(issue.column, (lines[(issue.line ?? 1) - 1] ?? '').indexOf(key) + 1, `${issue.path} column`);
  }
});
