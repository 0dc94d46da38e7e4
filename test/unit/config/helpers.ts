// Shared fixtures: a valid config that holds one element of every list of objects and one entry of
// every map of objects, so every key of the schema has a concrete place in it.
import { configSchema } from '../../../src/config/schema';
import { ENTRY, ITEM, schemaKeys, type SchemaKey } from '../../../src/config/schema-walk';

export const MAP_KEY = 'inventory.new-endpoint';

export function baseConfig(): Record<string, unknown> {
  return {
    alerting: { detectors: { [MAP_KEY]: { action: 'observe' } }, suppressions: [{ identity: 'ip:10.0.0.1' }] },
    outputs: {
      webhooks: [{ name: 'soc', url: 'https://soc.example.com/hook', secret: 'not-a-real-secret' }],
      syslog: [{ name: 'siem', protocol: 'tcp', host: 'siem.example.com' }],
    },
  };
}

/** The data path of a key in baseConfig(): `[]` → element 0, `<name>` → MAP_KEY. */
export function concretePath(key: SchemaKey): (string | number)[] {
  return key.path.map((segment) => (segment === ITEM ? 0 : segment === ENTRY ? MAP_KEY : segment));
}

export const leaves = (): SchemaKey[] => schemaKeys(configSchema).filter((k) => k.leaf);

/** `value` at `path` inside a copy of `config`, creating lists and objects on the way; undefined deletes. */
export function withValue(config: Record<string, unknown>, path: readonly (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(config);
  let node = copy as Record<string | number, unknown>;
  for (const [i, segment] of path.slice(0, -1).entries()) {
    if (node[segment] === undefined) node[segment] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined && value === undefined) delete node[last];
  else if (last !== undefined) node[last] = value;
  return copy;
}
