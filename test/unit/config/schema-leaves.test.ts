// Loading the config schema loads only the stages' leaf config files: no SQLite, no daemon runtime,
// no transport. A fresh child process requires the built schema and reports every module it loaded
// (npm test compiles src/ to dist/ first).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';

const DIST = path.resolve(__dirname, '../../../dist');

// Pure helpers a leaf config may use for a refine or a default (no I/O, no packages but zod).
// the batch writer and store errors: a detector that persists what it learned keeps a BatchWriter (no driver in them)
const LEAF_HELPERS = ['inventory/openapi/host-patterns.js', 'outputs/formats/syslog-fields.js', 'outputs/webhook/headers.js', 'store/batch-writer.js', 'store/errors.js'];

// The detector list is loaded with the schema: `detectors/config.ts` mounts each entry's schema under
// its key, and a detector is one file (its schema beside its logic). So the detector modules are
// allowed, and what keeps them light is the rest of this test: a detector gets SQLite, sinks and the
// clock from the pipeline, never by importing them, or better-sqlite3 / a daemon module shows up here.
const DETECTOR_MODULES = /^detectors\//;

/** Every module a fresh process has loaded after requiring `entry`: dist/-relative, or `package:<name>`. */
function modulesLoadedBy(entry: string): string[] {
  const script = `
    // what the test runner preloads into every child (coverage hooks) is not the schema's doing
    const before = new Set(Object.keys(require.cache));
    require(${JSON.stringify(entry)});
    const dist = ${JSON.stringify(DIST + path.sep)};
    const names = Object.keys(require.cache).filter((file) => !before.has(file)).map((file) =>
      file.startsWith(dist) ? file.slice(dist.length).split(require('node:path').sep).join('/') : 'package:' + file.replace(/^.*node_modules[\\\\/]/, '').split(/[\\\\/]/)[0]);
    process.stdout.write(JSON.stringify([...new Set(names)]));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`loading ${entry} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}

t.test('the schema loads neither better-sqlite3 nor a daemon runtime module', async (t) => {
  const loaded = modulesLoadedBy(path.join(DIST, 'config/schema.js'));
  t.ok(loaded.includes('config/schema.js'), 'the child loaded the built schema');
  t.notOk(loaded.includes('package:better-sqlite3'), 'no better-sqlite3');
  t.same(loaded.filter((m) => m.startsWith('daemon/')), ['daemon/config.js'], "daemon/config.js is the daemon's only module loaded");
});

t.test('every module the schema loads is a leaf config, core/, record types or a named pure helper', async (t) => {
  const loaded = modulesLoadedBy(path.join(DIST, 'config/schema.js'));
  const allowed = (m: string): boolean =>
    m === 'package:zod' ||
    m.startsWith('config/schema') ||
    m.endsWith('/config.js') ||
    m.startsWith('core/') ||
    m.endsWith('/types.js') ||
    LEAF_HELPERS.includes(m) ||
    DETECTOR_MODULES.test(m);
  t.same(loaded.filter((m) => !allowed(m)), [], 'nothing else');
  t.ok(loaded.includes('capture/config.js') && loaded.includes('outputs/config.js'), 'the stage configs are what it loads');
});
