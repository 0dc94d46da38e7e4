// Lint TypeScript sources, tests and bench scripts; type-aware rules stay off to keep CI fast.
import js from '@eslint/js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src');

// Imports run one way (DESIGN §1). core/ and store/ are infrastructure under every stage (store/ runs
// SQLite and migrations; which stage owns which migration is composed in daemon/). The stages follow
// in pipeline order: each may import core/, store/, its own folder, and from the stages before it
// only types (any `import type`; values only from their `types.ts`, e.g. enums of a record), so no
// earlier stage's runtime module is loaded by a later one. config/ composes the stages' leaf
// `config.ts`; daemon/ (the composition root), the tools that drive it (simulate/: the scenario
// generator; eval/: replay and score against labels) and cli/ sit on top.
const INFRASTRUCTURE = ['core', 'store'];
const STAGES = ['capture', 'decode', 'reassembly', 'http', 'inventory', 'identity', 'features', 'detectors', 'models', 'alerting', 'outputs', 'audit', 'response'];
const TOP = ['config', 'daemon', 'simulate', 'eval', 'cli'];
/** Top folders that may import every stage and daemon/ (not cli/, which sits above them all). */
const COMPOSERS = ['daemon', 'simulate', 'eval'];
const ORDER = [...INFRASTRUCTURE, ...STAGES, ...TOP].join(' → ');

/** The src/ folder and the rest of the path of a file, or undefined outside src/. */
function locate(file) {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const [folder, ...rest] = rel.split(path.sep);
  return rest.length === 0 ? undefined : { folder, module: path.basename(rest.join('/')).replace(/\.[cm]?[jt]s$/, '') };
}

/** Why `from` may not import `to` (`typeOnly`: nothing of it is left at run time), or undefined when it may. */
function violation(from, to, typeOnly) {
  if (from.folder === to.folder || from.folder === 'cli') return undefined;
  const known = [...INFRASTRUCTURE, ...STAGES, ...TOP];
  if (!known.includes(from.folder)) return { messageId: 'unknownFolder', data: { from: from.folder } };
  if (COMPOSERS.includes(from.folder)) {
    if (to.folder === 'cli') return { messageId: 'above', data: { from: from.folder, to: 'cli' } };
    // the composers use daemon/ (and their own folder); not each other
    return COMPOSERS.includes(to.folder) && to.folder !== 'daemon' ? { messageId: 'above', data: { from: from.folder, to: to.folder } } : undefined;
  }
  if (from.folder === 'config') return INFRASTRUCTURE.includes(to.folder) || to.module === 'config' ? undefined : { messageId: 'configLeaves', data: { to: to.folder } };
  if (TOP.includes(to.folder)) return { messageId: 'above', data: { from: from.folder, to: to.folder } };
  if (to.folder === 'core') return undefined;
  if (from.folder === 'core') return { messageId: 'later', data: { from: 'core', to: to.folder } };
  if (to.folder === 'store') return undefined;
  if (from.folder === 'store') return { messageId: 'later', data: { from: 'store', to: to.folder } };
  const fromIndex = STAGES.indexOf(from.folder);
  const toIndex = STAGES.indexOf(to.folder);
  if (toIndex < 0) return { messageId: 'unknownFolder', data: { from: to.folder } };
  if (toIndex > fromIndex) return { messageId: 'later', data: { from: from.folder, to: to.folder } };
  return typeOnly || to.module === 'types' ? undefined : { messageId: 'typesOnly', data: { from: from.folder, to: to.folder } };
}

const pipelineImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep src/ imports running one way down the pipeline (DESIGN §1).' },
    schema: [],
    messages: {
      later: `{{from}}/ must not import {{to}}/, which comes later in the pipeline (${ORDER}).`,
      above: `{{from}}/ must not import {{to}}/, which sits above it (${ORDER}).`,
      typesOnly: "{{from}}/ may import only types of {{to}}/ ('import type', or values of its 'types.ts'), not its runtime modules.",
      configLeaves: "config/ composes the stages' leaf 'config.ts' files; it must not import other modules of {{to}}/.",
      unknownFolder: 'src/{{from}}/ is not in the pipeline order of eslint.config.mjs; add it there.',
    },
  },
  create(context) {
    const from = locate(context.physicalFilename);
    if (!from) return {};
    const check = (source, typeOnly = false) => {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const to = locate(path.resolve(path.dirname(context.physicalFilename), source.value));
      if (!to) return;
      const problem = violation(from, to, typeOnly);
      if (problem) context.report({ node: source, ...problem });
    };
    return {
      ImportDeclaration: (node) =>
        check(node.source, node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'))),
      ExportNamedDeclaration: (node) => check(node.source, node.exportKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.exportKind === 'type'))),
      ExportAllDeclaration: (node) => check(node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.argument?.literal ?? node.source, true),
      TSExternalModuleReference: (node) => check(node.expression),
      'CallExpression[callee.name="require"]': (node) => check(node.arguments[0]),
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'native/build/**', 'node_modules/**', '.tap/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { tapwatch: { rules: { 'pipeline-imports': pipelineImports } } },
    rules: { 'tapwatch/pipeline-imports': 'error' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
);
