// `tapwatch config docs`: every key of the schema is in the Markdown reference with its default and
// bounds, and the JSON Schema is a schema of the same keys.
import t from 'tap';
import { configDocsMarkdown, configJsonSchema } from '../../../src/config/docs';
import { configSchema } from '../../../src/config/schema';
import { formatKeyPath } from '../../../src/config/schema-walk';
import { leaves } from './helpers';

const markdown = configDocsMarkdown();
const rows = new Map(
  markdown
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
      return [cells[1]?.replace(/`/g, '') ?? '', cells] as const;
    }),
);

t.test('every leaf is documented with its description', async (t) => {
  for (const key of leaves()) {
    const path = formatKeyPath(key.path);
    const row = rows.get(path);
    if (!row) {
      t.fail(`${path} missing`);
      continue;
    }
    t.ok(row[5]?.startsWith((key.description ?? '').replace(/\|/g, '\\|').slice(0, 20)), `${path}: description`);
  }
  t.equal(rows.size, leaves().length, 'one row per leaf, no others');
});

t.test('defaults and bounds', async (t) => {
  const defaults = configSchema.parse({});
  t.equal(rows.get('capture.snaplen')?.[3], `\`${defaults.capture.snaplen}\``);
  t.equal(rows.get('capture.snaplen')?.[4], '≥ 64, ≤ 262144');
  t.equal(rows.get('decode.vxlanPorts')?.[3], `\`${JSON.stringify(defaults.decode.vxlanPorts)}\``);
  t.equal(rows.get('decode.vxlanPorts')?.[4], 'each ≥ 1, ≤ 65535');
  t.equal(rows.get('log.level')?.[2], '"fatal" \\| "error" \\| "warn" \\| "info" \\| "debug" \\| "trace" \\| "silent"', 'enum values');
  t.equal(rows.get('outputs.webhooks[].url')?.[3], '**required**');
  t.equal(rows.get('outputs.syslog[].port')?.[3], 'unset');
  t.equal(rows.get('outputs.webhooks[].timeoutMs')?.[3], '`10000`', 'defaults inside list elements');
  t.match(rows.get('outputs.webhooks[].secret')?.[5], /secret: printed as/);
});

t.test('the header explains environment references and the file location', async (t) => {
  t.match(markdown, /\$\{env:NAME\}/);
  t.match(markdown, /\$\$\{/);
  t.match(markdown, /\/etc\/tapwatch\/tapwatch\.yaml/);
  t.match(markdown, /TAPWATCH_CONFIG/);
});

t.test('JSON Schema', async (t) => {
  const schema = configJsonSchema() as { properties: Record<string, unknown>; additionalProperties: boolean; description: string };
  t.same(Object.keys(schema.properties).sort(), Object.keys(configSchema.shape).sort());
  t.equal(schema.additionalProperties, false, 'unknown keys are refused by editors too');
  t.match(schema.description, /\$\{env:NAME\}/);
  t.doesNotThrow(() => JSON.parse(JSON.stringify(schema)));
});
