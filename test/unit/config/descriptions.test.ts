// Every key of the config, fragments included, documents itself at runtime (the docs and check-config
// are generated from it).
import t from 'tap';
import { z } from 'zod';
import { configSchema } from '../../../src/config/schema';
import { formatKeyPath, schemaKeys } from '../../../src/config/schema-walk';

t.test('every key has a description', async (t) => {
  const keys = schemaKeys(configSchema);
  const leaves = keys.filter((k) => k.leaf);
  // the walk reaches into list elements and map values, not only the top-level sections
  t.ok(leaves.some((k) => formatKeyPath(k.path) === 'outputs.webhooks[].retry.maxMs'), 'walks into webhook destinations');
  t.ok(leaves.some((k) => formatKeyPath(k.path) === 'alerting.detectors.<name>.action'), 'walks into map values');
  t.ok(leaves.some((k) => formatKeyPath(k.path) === 'outputs.syslog[].tls.ca'), 'walks through the syslog transform');
  const missing = keys.filter((k) => !k.description || k.description.trim().length < 8).map((k) => formatKeyPath(k.path));
  t.same(missing, [], 'keys without a description');
});

t.test('descriptions survive into the JSON Schema', async (t) => {
  const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }> };
  for (const [section, node] of Object.entries(json.properties)) {
    t.ok(node.description, `${section} described`);
    for (const [key, child] of Object.entries(node.properties ?? {})) t.ok(child.description, `${section}.${key} described`);
  }
});

t.test('secret keys are tagged', async (t) => {
  const secret = schemaKeys(configSchema)
    .filter((k) => k.secret)
    .map((k) => formatKeyPath(k.path));
  t.ok(secret.includes('outputs.webhooks[].secret'));
  t.ok(secret.includes('outputs.webhooks[].headers'));
});
