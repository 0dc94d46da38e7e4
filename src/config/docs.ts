// `tapwatch config docs`: the reference of every key, generated from the schema so it cannot drift.
// Type, bounds and defaults come from the JSON Schema zod derives; keys and descriptions from the
// zod schema walk (so array elements and map values are listed with `[]` and `<name>`).
import { z } from 'zod';
import { CONFIG_PATH_ENV, DEFAULT_CONFIG_PATH } from './config-path';
import { ENV_SUBSTITUTION_HELP } from './env-substitution';
import { configSchema } from './schema';
import { ENTRY, formatKeyPath, ITEM, type SchemaKey, schemaKeys } from './schema-walk';

type JsonNode = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  items?: JsonNode;
  properties?: Record<string, JsonNode>;
  additionalProperties?: JsonNode | boolean;
  anyOf?: JsonNode[];
  [key: string]: unknown;
};

const INTRO = [
  `Tapwatch reads one YAML file: \`--config FILE\`, else \`$${CONFIG_PATH_ENV}\`, else \`${DEFAULT_CONFIG_PATH}\` when it exists, else the built-in defaults below.`,
  'Every key is optional. A key with no value (`key:` alone) takes its default. Unknown keys are errors (with a suggestion for a typo).',
  '`tapwatch check-config FILE` prints the effective config, or every error with the path of its key.',
  '',
  `**Environment variables.** ${ENV_SUBSTITUTION_HELP}`,
].join('\n');

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'Tapwatch configuration',
    description: `${INTRO.replace(/\n+/g, ' ')} A value written as \${env:NAME} is a string in the file whatever type its key has.`,
  };
}

/** The JSON Schema node of a key path (`[]` = array items, `<name>` = map values). */
function nodeAt(root: JsonNode, path: readonly string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    if (segment === ITEM) node = node.items;
    else if (segment === ENTRY) node = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    else node = node.properties?.[segment];
  }
  return node;
}

const HUGE = Number.MAX_SAFE_INTEGER;

function bounds(node: JsonNode): string[] {
  const out: string[] = [];
  if (node.minimum !== undefined && node.minimum > -HUGE) out.push(`≥ ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) out.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined && node.maximum < HUGE) out.push(`≤ ${node.maximum}`);
  if (node.exclusiveMaximum !== undefined) out.push(`< ${node.exclusiveMaximum}`);
  if (node.minLength !== undefined) out.push(`length ≥ ${node.minLength}`);
  if (node.maxLength !== undefined) out.push(`length ≤ ${node.maxLength}`);
  if (node.minItems !== undefined) out.push(`items ≥ ${node.minItems}`);
  if (node.maxItems !== undefined) out.push(`items ≤ ${node.maxItems}`);
  if (node.pattern !== undefined && node.format === undefined) out.push(`pattern \`${node.pattern}\``);
  if (node.items) {
    const each = bounds(node.items);
    if (each.length > 0) out.push(`each ${each.join(', ')}`);
  }
  return out;
}

function typeName(node: JsonNode): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  if (type === 'array') return `list of ${node.items ? typeName(node.items) : 'values'}`;
  if (type === 'object' && typeof node.additionalProperties === 'object') return `map of ${typeName(node.additionalProperties)}`;
  if (type === 'string' && node.format) return `string (${node.format})`;
  return type ?? 'any';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultText(key: SchemaKey, node: JsonNode, defaults: unknown): string {
  if (node.default !== undefined) return `\`${JSON.stringify(node.default)}\``;
  if (!key.path.includes(ITEM) && !key.path.includes(ENTRY)) {
    let value: unknown = defaults;
    for (const segment of key.path) value = (value as Record<string, unknown> | undefined)?.[segment];
    if (value !== undefined) return `\`${JSON.stringify(value)}\``;
  }
  // a pair of keys of which one must be set (webhook `secret` / `secretEnv`) is required, not optional
  const alternative = z.globalRegistry.get(key.schema)?.['requiredUnless'];
  if (typeof alternative === 'string') return `**required** unless \`${alternative}\` is set`;
  return key.schema._zod.optin === 'optional' ? 'unset' : '**required**';
}

/** Markdown reference: one table per section, one row per key. */
export function configDocsMarkdown(): string {
  const json = configJsonSchema() as JsonNode;
  const defaults = configSchema.parse({});
  const keys = schemaKeys(configSchema);
  const lines = ['# Tapwatch configuration reference', '', INTRO, ''];
  const sections: { path: string[]; description: string | undefined }[] = [{ path: [], description: undefined }];
  for (const key of keys) if (!key.leaf) sections.push({ path: key.path, description: key.description });
  for (const section of sections) {
    const depth = section.path.length;
    const heading = '#'.repeat(Math.min(section.path.filter((s) => s !== ITEM && s !== ENTRY).length + 1, 6));
    const rows = keys.filter((key) => {
      if (!key.leaf) return false;
      const parent = key.path.slice(0, -1);
      const sectionPath = parent[parent.length - 1] === ITEM || parent[parent.length - 1] === ENTRY ? parent.slice(0, -1) : parent;
      return sectionPath.length === depth && sectionPath.every((s, i) => s === section.path[i]);
    });
    if (rows.length === 0) {
      if (depth > 0) lines.push(`${heading} \`${formatSection(section.path, keys)}\``, '', section.description ?? '', '');
      continue;
    }
    lines.push(depth === 0 ? '## Top level' : `${heading} \`${formatSection(section.path, keys)}\``, '');
    if (section.description) lines.push(section.description, '');
    lines.push('| Key | Type | Default | Bounds | Description |', '| --- | --- | --- | --- | --- |');
    for (const key of rows) {
      const node = nodeAt(json, key.path) ?? {};
      lines.push(
        `| \`${formatKeyPath(key.path)}\` | ${cell(typeName(node))} | ${cell(defaultText(key, node, defaults))} | ${cell(bounds(node).join(', '))} | ${cell(key.description ?? '')}${key.secret ? ' *(secret: printed as \\*\\*\\*)*' : ''} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** A section heading names what its rows sit in: `outputs.webhooks[]`, `alerting.detectors.<name>`. */
function formatSection(path: readonly string[], keys: readonly SchemaKey[]): string {
  const child = keys.find((k) => k.path.length > path.length && k.path.slice(0, path.length).every((s, i) => s === path[i]));
  const next = child?.path[path.length];
  return formatKeyPath(next === ITEM || next === ENTRY ? [...path, next] : [...path]);
}
