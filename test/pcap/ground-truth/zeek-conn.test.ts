// Zeek conn.log parity for TCP: every Zeek baseline conn.log (MANIFEST.md §8) against our flow
// records (`replay --flows`) on the same trace. Compared per connection: stream bytes each way
// (Zeek's orig_bytes / resp_bytes come from sequence numbers, as ours do) and bytes lost in gaps
// (Zeek's missed_bytes). Every difference is listed with its reason in
// test/pcap/expected/zeek-conn-mismatches.tsv, and every listed difference still occurs.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../helpers/paths';
import { SHARED_DATA, needsSharedData } from '../../helpers/shared-data';
import { describe, readExpected, reconcile, UPDATE, writeExpected, type Difference } from './expected';
import { hasBuild, replayMany } from './replay';
import { baselinesWith, parseZeekLog } from './zeek';

const EXPECTED = path.join(REPO, 'test/pcap/expected/zeek-conn-mismatches.tsv');
const COLUMNS = ['baseline', 'connection', 'zeek', 'ours'];
const REASONS = ['zeek-quirk: ', 'our-bug: ', 'out-of-scope: ', 'by-design: '];
const MIN_MATCH_RATE = 0.9;
const PREAMBLE = [
  'Differences between Zeek baseline conn.log files (TCP rows) and `tapwatch replay --flows` flow records',
  'on the same trace. Checked by test/pcap/ground-truth/zeek-conn.test.ts: every difference must be listed',
  'here and every row here must still occur.',
  'connection: the two endpoints as Zeek names them (orig > resp);',
  'zeek / ours: orig_bytes resp_bytes missed_bytes (none = no such connection).',
  'reason: "zeek-quirk: ...", "our-bug: ...", "out-of-scope: ..." or "by-design: ...". Regenerate with UPDATE_EXPECTED=1.',
];

function endpoint(ip: string, port: string): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** One of our flow records: its originator and "orig resp missed" bytes in our orientation. */
interface Candidate {
  orig: string;
  values: string;
  used: boolean;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

t.test('Zeek conn.log parity (TCP)', { skip: needsSharedData || (!hasBuild && 'needs a build (dist/)') }, async (t) => {
  const baselines = baselinesWith(SHARED_DATA, ['conn.log']);
  const results = await replayMany(baselines.map((b) => b.traceFile));
  const observed: Difference[] = [];
  let rows = 0;
  let matched = 0;
  for (const b of baselines) {
    const log = parseZeekLog(readFileSync(b.log, 'utf8'));
    // Baselines of logging tests rename or drop columns: only standard conn.log layouts compare.
    if (!['id.orig_h', 'id.orig_p', 'orig_bytes', 'resp_bytes', 'missed_bytes'].every((f) => log.fields.includes(f))) continue;
    const ours = new Map<string, Candidate[]>();
    for (const f of results.get(b.traceFile)?.flows ?? []) {
      const orig = String(f['orig']);
      const values = `${Number(f['origStreamBytes'])} ${Number(f['respStreamBytes'])} ${Number(f['origGapBytes']) + Number(f['respGapBytes'])}`;
      const key = pairKey(orig, String(f['resp']));
      ours.set(key, [...(ours.get(key) ?? []), { orig, values, used: false }]);
    }
    for (const row of log.rows) {
      if (row.get('proto') !== 'tcp') continue;
      const orig = endpoint(row.get('id.orig_h') ?? '', row.get('id.orig_p') ?? '');
      const resp = endpoint(row.get('id.resp_h') ?? '', row.get('id.resp_p') ?? '');
      // Zeek leaves byte counts unset when it cannot size the connection: nothing to compare.
      const zo = row.get('orig_bytes');
      const zr = row.get('resp_bytes');
      if (zo === null || zo === undefined || zr === null || zr === undefined) continue;
      const zeek = `${zo} ${zr} ${row.get('missed_bytes') ?? '0'}`;
      rows++;
      const candidates = ours.get(pairKey(orig, resp)) ?? [];
      // Our orientation may differ for flows picked up mid-stream: compare in Zeek's orientation.
      const inZeekOrder = (c: Candidate): string => {
        if (c.orig === orig) return c.values;
        const [a, r, m] = c.values.split(' ');
        return `${r} ${a} ${m}`;
      };
      const hit = candidates.find((c) => !c.used && inZeekOrder(c) === zeek);
      if (hit) {
        hit.used = true;
        matched++;
        continue;
      }
      const free = candidates.find((c) => !c.used);
      if (free) free.used = true;
      observed.push({ baseline: b.baseline, connection: `${orig} > ${resp}`, zeek, ours: free ? inZeekOrder(free) : 'none' });
    }
  }
  const rate = rows > 0 ? matched / rows : 0;
  t.ok(rows >= 50, `${rows} TCP connections in Zeek conn.log baselines`);
  t.ok(rate >= MIN_MATCH_RATE, `${matched}/${rows} = ${(rate * 100).toFixed(1)}% match Zeek on orig/resp/missed bytes (need ${MIN_MATCH_RATE * 100}%)`);
  const expected = readExpected(EXPECTED, COLUMNS);
  if (UPDATE) writeExpected(expected, observed, PREAMBLE, ['baseline', 'connection', 'zeek']);
  const rec = reconcile(UPDATE ? readExpected(EXPECTED, COLUMNS) : expected, observed, REASONS);
  t.equal(rec.unlisted.length + rec.stale.length + rec.unclassified.length, 0, describe(rec, COLUMNS) || 'every difference listed with a reason');
});
