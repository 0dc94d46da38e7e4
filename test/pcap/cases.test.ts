// Regression cases: pcap in → records out, compared with committed expected outputs
// (test/pcap/cases/<area>/<case>/{trace.pcap, case.json, expected/*.jsonl}). case.json names the
// trace's provenance and may carry config overrides. After an intended change, regenerate with
// `UPDATE_EXPECTED=1 npx tap test/pcap/cases.test.ts` and review the diff like code.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { jsonLines, runCli } from '../helpers/cli';
import { SHARED_DATA, needsSharedData } from '../helpers/shared-data';

const CASES = path.join(__dirname, 'cases');
const UPDATE = process.env['UPDATE_EXPECTED'] === '1';
/** Record types with committed baselines; stats are left out (they carry timings). */
const BASELINED_TYPES = ['http', 'inventory', 'alert'];
/** Fields that differ between runs by design: alert ids are unique, the sensor is the host name. */
const VOLATILE: Record<string, readonly string[]> = { alert: ['id', 'sensor'] };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-cases-'));
/** `${SHARED_DATA}` in case.json, relative to the CLI's working directory as a user would write it, so
 * records naming a file of the data set are the same wherever the checkout is. */
const sharedDataDir = JSON.stringify(path.relative(process.cwd(), SHARED_DATA)).slice(1, -1);

interface CaseSpec {
  source: string;
  config?: Record<string, unknown>;
  /** The case reads the team data set (`${SHARED_DATA}` in its config); skipped without it. */
  needsSharedData?: boolean;
}

function listCases(): string[] {
  const out: string[] = [];
  for (const area of readdirSync(CASES).sort()) {
    for (const name of readdirSync(path.join(CASES, area)).sort()) out.push(path.join(area, name));
  }
  return out;
}

for (const rel of listCases()) {
  const dir = path.join(CASES, rel);
  const caseText = readFileSync(path.join(dir, 'case.json'), 'utf8').replaceAll('${SHARED_DATA}', sharedDataDir);
  const spec = JSON.parse(caseText) as CaseSpec;
  t.test(rel, { skip: spec.needsSharedData === true && needsSharedData }, async (t) => {
    t.ok(spec.source, 'provenance recorded');
    const args = ['replay', '--format', 'jsonl', path.join(dir, 'trace.pcap')];
    if (spec.config) {
      const cfg = path.join(tmp, `${rel.replace(/\//g, '_')}.yaml`);
      writeFileSync(cfg, stringify(spec.config));
      args.push('--config', cfg);
    }
    const run = runCli(args);
    t.equal(run.code, 0, run.stderr);
    const records = jsonLines(run.stdout);
    for (const type of BASELINED_TYPES) {
      const volatile = VOLATILE[type] ?? [];
      const typed = records.filter((r) => r['type'] === type);
      const got = typed.map((r) => JSON.stringify(r, (k, v: unknown) => (volatile.includes(k) ? '<varies>' : v))).join('\n') + '\n';
      const file = path.join(dir, 'expected', `${type}.jsonl`);
      if (typed.length === 0 && !existsSync(file)) continue; // nothing of this type, no baseline
      if (UPDATE) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, got);
        continue;
      }
      t.ok(existsSync(file), `${file} exists (create it with UPDATE_EXPECTED=1 and review it)`);
      if (existsSync(file)) t.equal(got, readFileSync(file, 'utf8'), `${type} records match ${path.relative(CASES, file)}`);
    }
  });
}
