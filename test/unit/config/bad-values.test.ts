// Every bad value gets a message naming its key. Generated from the schema: for each leaf, a value of
// the wrong type, and out-of-range / not-in-enum / too-short / wrong-pattern values where the schema
// has such bounds, put into an otherwise valid config; the only error must carry that leaf's path.
import t from 'tap';
import { z } from 'zod';
import { formatDataPath, formatKeyPath, schemaType, type SchemaKey, unwrap } from '../../../src/config/schema-walk';
import { validateConfigObject } from '../../../src/config/validate';
import { baseConfig, concretePath, leaves, withValue } from './helpers';

const path = concretePath;

interface JsonBounds {
  type?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
}

type Case = { why: string; value: unknown; path: (string | number)[] };

const SAFE = Number.MAX_SAFE_INTEGER;

/** Values a scalar schema refuses beyond the wrong type, read from its JSON Schema (what zod enforces). */
function outOfBounds(schema: z.core.$ZodType): { why: string; value: unknown }[] {
  const json = z.toJSONSchema(unwrap(schema), { io: 'input', unrepresentable: 'any' }) as JsonBounds;
  const out: { why: string; value: unknown }[] = [];
  if (json.enum) out.push({ why: 'not one of the choices', value: 'no-such-choice' });
  if (json.minimum !== undefined && json.minimum > -SAFE) out.push({ why: `below minimum ${json.minimum}`, value: json.minimum - 1 });
  if (json.maximum !== undefined && json.maximum < SAFE) out.push({ why: `above maximum ${json.maximum}`, value: json.maximum + 1 });
  if (json.type === 'integer') out.push({ why: 'not an integer', value: (json.minimum ?? 0) + 1.5 });
  if (json.minLength !== undefined && json.minLength > 0) out.push({ why: 'empty', value: '' });
  if (json.format === 'uri') out.push({ why: 'not a URL', value: 'not a url' });
  else if (json.format === 'date-time') out.push({ why: 'not a date-time', value: 'next tuesday' });
  else if (json.pattern !== undefined) out.push({ why: 'does not match its pattern', value: ' bad value ' });
  return out;
}

function wrongType(schema: z.core.$ZodType): unknown {
  switch (schemaType(schema)) {
    case 'number':
      return 'twelve';
    case 'boolean':
      return 'yes';
    case 'array':
    case 'record':
    case 'object':
      return 'not-a-collection';
    default:
      return 4242;
  }
}

function cases(key: SchemaKey): Case[] {
  const path = concretePath(key);
  const out: Case[] = [{ why: 'wrong type', value: wrongType(key.schema), path }];
  for (const c of outOfBounds(key.schema)) out.push({ ...c, path });
  const inner = unwrap(key.schema);
  const d = inner._zod.def as unknown as { type: string; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
  // a bad element of a list names the element: `decode.vxlanPorts.0`
  if (d.type === 'array' && d.element) {
    out.push({ why: 'element of the wrong type', value: wrongType(d.element), path: [...path, 0] });
    for (const c of outOfBounds(d.element)) out.push({ why: `element ${c.why}`, value: c.value, path: [...path, 0] });
  }
  if (d.type === 'record' && d.valueType) out.push({ why: 'map value of the wrong type', value: wrongType(d.valueType), path: [...path, 'X-Key'] });
  return out;
}

t.test('the base config is valid', async (t) => {
  const result = validateConfigObject(baseConfig());
  t.ok(result.ok, result.ok ? 'valid' : JSON.stringify(result.issues));
});

t.test('every bad value is reported at its key', async (t) => {
  let checked = 0;
  const kinds = new Set<string>();
  for (const key of leaves()) {
    for (const c of cases(key)) {
      let config = withValue(baseConfig(), c.path, c.value);
      // keys that exclude each other: the destination keeps exactly one of secret and secretEnv
      if (formatKeyPath(key.path) === 'outputs.webhooks[].secretEnv') config = withValue(config, [...path(key).slice(0, -1), 'secret'], undefined);
      const result = validateConfigObject(config);
      const label = `${formatKeyPath(key.path)} ${c.why} (${JSON.stringify(c.value)})`;
      if (result.ok) {
        t.fail(`${label}: accepted`);
        continue;
      }
      const expected = formatDataPath(c.path);
      const atKey = result.issues.filter((i) => i.path === expected);
      t.equal(atKey.length, 1, `${label}: reported at ${expected}`);
      t.ok(atKey.every((i) => i.message.length > 0), `${label}: has a reason`);
      // a cross-key rule of the enclosing section (thresholds in order, max >= initial) may fail too,
      // and is reported at that section; nothing is reported anywhere else
      const elsewhere = result.issues.filter((i) => i.path !== expected && !expected.startsWith(`${i.path}.`));
      t.same(elsewhere, [], `${label}: no error at another key`);
      checked++;
      kinds.add(c.why.replace(/ -?[\d.]+$/, ''));
    }
  }
  // the generator did produce each kind of refusal, not only wrong types
  for (const kind of ['wrong type', 'below minimum', 'above maximum', 'not an integer', 'not one of the choices', 'empty', 'does not match its pattern', 'not a URL', 'not a date-time', 'element of the wrong type', 'map value of the wrong type']) {
    t.ok(kinds.has(kind), `generated: ${kind}`);
  }
  t.ok(checked > leaves().length * 2, `${checked} bad values checked over ${leaves().length} keys`);
});
