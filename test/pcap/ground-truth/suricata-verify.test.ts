// Suricata-verify: for every kept test whose test.yaml checks `event_type: http` events, replay its
// capture and check what the test asserts: the number of http events matching each filter, with
// the fields we model (url, method, status, hostname, protocol, user agent, response content
// type, length, addresses). Checks on fields we do not model, or tests that depend on Suricata
// settings we do not model, are listed in test/pcap/expected/suricata-verify-skips.tsv; failing
// checks in test/pcap/expected/suricata-verify-mismatches.tsv. Both lists must be exact.
//
// Suricata command-line settings (`args:`) that change what a test expects are mapped to our
// config where we have an equivalent (see SURICATA_SETTINGS); the others need no mapping: we never
// verify checksums (-k none), always pick up mid-stream and one-sided flows (stream.midstream,
// stream.async-oneside), and body limits, detection and stats settings do not change transactions.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { REPO } from '../../helpers/paths';
import { SHARED_PCAPS, needsSharedData } from '../../helpers/shared-data';
import { describe, readExpected, reconcile, UPDATE, writeExpected, TODO_REASON, type Difference, type ListedRow } from './expected';
import { hasBuild, replayJobs, type HttpRecord, type ReplayJob } from './replay';
import { existsAll, FIELD_MAP, httpTests, recordMatches, renderMatch, renderRecord, type SvTest } from './suricata';

const TESTS_ROOT = path.join(SHARED_PCAPS, 'suricata-verify/tests');
const SKIPS = path.join(REPO, 'test/pcap/expected/suricata-verify-skips.tsv');
const MISMATCHES = path.join(REPO, 'test/pcap/expected/suricata-verify-mismatches.tsv');
const SKIP_COLUMNS = ['test', 'check', 'action'];
const MISMATCH_COLUMNS = ['test', 'check', 'expected', 'got'];
const SKIP_REASONS = ['not-modelled: ', 'suricata-config: ', 'weakened: '];
const MISMATCH_REASONS = ['suricata-quirk: ', 'suricata-config: ', 'our-bug: ', 'out-of-scope: '];
const SKIP_PREAMBLE = [
  'Suricata-verify http checks not evaluated, or evaluated without some of their fields, by',
  'test/pcap/ground-truth/suricata-verify.test.ts. Every check field the test cannot map to our',
  'records must be covered by a row here, and every row here must apply to an existing check.',
  'check: index in the test.yaml `checks:` list (0-based), * = the whole test.',
  'action: skip-test | skip-check | ignore-key <field> (the check is evaluated without that field).',
  'reason: "not-modelled: ..." (a field or feature our records do not have), "suricata-config: ..."',
  '        (the expectation depends on Suricata settings / modes we do not replicate), or',
  '        "weakened: ..." (the field is dropped, the rest of the check still holds).',
];
const MISMATCH_PREAMBLE = [
  'Suricata-verify http checks that fail on our records (test/pcap/ground-truth/suricata-verify.test.ts).',
  'Every failing check must be listed here and every row here must still fail the same way.',
  'expected: count=N (N=+ for at least one) and the fields matched; got: our count and our http records.',
  'reason: "suricata-quirk: ...", "suricata-config: ...", "our-bug: ..." or "out-of-scope: ...".',
  'Regenerate with UPDATE_EXPECTED=1 (keeps reasons of rows that still occur).',
];

/** Suricata settings with an equivalent in our config. */
const SURICATA_SETTINGS: [RegExp, Record<string, Record<string, unknown>>][] = [
  // Flows keyed without the VLAN id (a capture where only some packets carry the tag).
  [/vlan\.use-for-tracking=false/, { reassembly: { separateByEncapsulation: false } }],
];

let configDir: string | null = null;
/** A config file equivalent to the test's Suricata args, or undefined for the defaults. */
function configFor(args: string[]): string | undefined {
  const joined = args.join(' ');
  const config: Record<string, Record<string, unknown>> = {};
  for (const [re, part] of SURICATA_SETTINGS) {
    if (!re.test(joined)) continue;
    for (const [section, values] of Object.entries(part)) config[section] = { ...config[section], ...values };
  }
  if (Object.keys(config).length === 0) return undefined;
  configDir ??= mkdtempSync(path.join(tmpdir(), 'tapwatch-sv-'));
  const file = path.join(configDir, `${Object.keys(config).length}-${Buffer.from(JSON.stringify(config)).toString('hex').slice(0, 40)}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

/** A check's `requires:` we can evaluate: a minimum Suricata version (we compare with the newest). */
function isRequiresOk(v: unknown): boolean {
  return v !== null && typeof v === 'object' && Object.keys(v).every((k) => k === 'min-version');
}

interface Plan {
  test: SvTest;
  checks: { index: number; count: number | null; fields: Record<string, unknown> }[];
}

t.test('suricata-verify http checks', { skip: needsSharedData || (!hasBuild && 'needs a build (dist/)') }, async (t) => {
  const tests = httpTests(TESTS_ROOT);
  t.ok(tests.length >= 60, `${tests.length} suricata-verify tests check http events`);

  const skips = readExpected(SKIPS, SKIP_COLUMNS);
  const used = new Set<ListedRow>();
  const find = (test: string, check: string, action: string): ListedRow | undefined => {
    const row = skips.rows.find((r) => r.cells['test'] === test && r.cells['check'] === check && r.cells['action'] === action);
    if (row) used.add(row);
    return row;
  };
  const needed: Difference[] = [];
  const plans: Plan[] = [];
  for (const test of tests) {
    if (find(test.name, '*', 'skip-test')) continue;
    if (test.pcaps.length === 0 || !existsAll(test.pcaps)) {
      needed.push({ test: test.name, check: '*', action: 'skip-test' });
      continue;
    }
    const plan: Plan = { test, checks: [] };
    for (const c of test.checks) {
      if (find(test.name, String(c.index), 'skip-check')) continue;
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.match)) {
        if (k === '@requires' && isRequiresOk(v)) continue;
        if (FIELD_MAP[k] !== undefined) fields[k] = v;
        else if (!find(test.name, String(c.index), `ignore-key ${k}`)) needed.push({ test: test.name, check: String(c.index), action: `ignore-key ${k}` });
      }
      plan.checks.push({ index: c.index, count: c.count, fields });
    }
    plans.push(plan);
  }
  const staleSkips = skips.rows.filter((r) => !used.has(r));

  const jobs: ReplayJob[] = [];
  const jobIndex = new Map<string, number>();
  for (const plan of plans) {
    const config = configFor(plan.test.args);
    for (const file of plan.test.pcaps) {
      const key = `${config ?? ''}\u0000${file}`;
      if (jobIndex.has(key)) continue;
      jobIndex.set(key, jobs.length);
      jobs.push(config ? { file, config } : { file });
    }
  }
  const results = await replayJobs(jobs);
  const observed: Difference[] = [];
  let checksRun = 0;
  let checksPassed = 0;
  const errors: string[] = [];
  for (const plan of plans) {
    const records: HttpRecord[] = [];
    const config = configFor(plan.test.args);
    for (const f of plan.test.pcaps) {
      const r = results[jobIndex.get(`${config ?? ''}\u0000${f}`) ?? -1];
      records.push(...(r?.http ?? []));
      for (const e of r?.errors ?? []) errors.push(`${plan.test.name}: ${e}`);
    }
    for (const c of plan.checks) {
      checksRun++;
      const n = records.filter((r) => recordMatches(r, c.fields)).length;
      const ok = c.count === null ? n >= 1 : n === c.count;
      if (ok) {
        checksPassed++;
        continue;
      }
      const ours = records.slice(0, 6).map(renderRecord).join(', ') + (records.length > 6 ? ', ...' : '');
      observed.push({
        test: plan.test.name,
        check: String(c.index),
        expected: `count=${c.count ?? '+'} ${renderMatch(c.fields)}`,
        got: `count=${n}; ours(${records.length}): ${ours}`,
      });
    }
  }
  t.comment(
    `${tests.length} tests, ${plans.length} evaluated (${tests.length - plans.length} skipped), ` +
      `${checksPassed}/${checksRun} http checks pass, ${staleSkips.length} stale skips`,
  );
  t.same(errors, [], 'every capture replays without capture errors');

  if (UPDATE) {
    const rows = [
      ...skips.rows.filter((r) => used.has(r)).map((r) => ({ ...r.cells, '@reason': r.reason })),
      ...needed.map((d) => ({ ...d, '@reason': TODO_REASON })),
    ];
    writeExpected({ ...skips, rows: rows.map((r, i) => ({ cells: r, reason: r['@reason'], line: i })) }, rows, SKIP_PREAMBLE, SKIP_COLUMNS);
  }
  const skipsNow = UPDATE ? readExpected(SKIPS, SKIP_COLUMNS) : skips;
  t.same(UPDATE ? [] : needed, [], 'every unmodelled check field or test is listed in suricata-verify-skips.tsv');
  t.same(UPDATE ? [] : staleSkips.map((r) => `line ${r.line}: ${Object.values(r.cells).join(' ')}`), [], 'every listed skip applies');
  const badSkipReasons = skipsNow.rows.filter((r) => !SKIP_REASONS.some((p) => r.reason.startsWith(p)));
  t.same(badSkipReasons.map((r) => `line ${r.line}: ${r.reason}`), [], 'every skip has a reason');

  const expected = readExpected(MISMATCHES, MISMATCH_COLUMNS);
  if (UPDATE) writeExpected(expected, observed, MISMATCH_PREAMBLE, ['test', 'check', 'expected']);
  const rec = reconcile(UPDATE ? readExpected(MISMATCHES, MISMATCH_COLUMNS) : expected, observed, MISMATCH_REASONS);
  const detail = describe(rec, MISMATCH_COLUMNS);
  t.equal(rec.unlisted.length, 0, 'every failing check is listed in suricata-verify-mismatches.tsv', { detail });
  t.equal(rec.stale.length, 0, 'every listed failing check still fails', { detail });
  t.equal(rec.unclassified.length, 0, 'every listed failing check has a reason', { detail });
});
