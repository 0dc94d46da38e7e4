// Zeek parity: every Zeek baseline http.log (MANIFEST.md §8) against our replay of the same trace.
// Done-criterion: at least 95% of all Zeek rows match on (method, host, uri, status_code); every
// remaining difference (key, body lengths, and records Zeek did not log) is listed with its reason
// in test/pcap/expected/zeek-http-mismatches.tsv, and every listed difference still occurs.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../helpers/paths';
import { SHARED_DATA, needsSharedData } from '../../helpers/shared-data';
import { describe, readExpected, reconcile, UPDATE, writeExpected, type Difference } from './expected';
import { hasBuild, replayMany } from './replay';
import { compareZeek } from './zeek-compare';
import { httpBaselines, parseZeekLog } from './zeek';

const EXPECTED = path.join(REPO, 'test/pcap/expected/zeek-http-mismatches.tsv');
const COLUMNS = ['comparison', 'baseline', 'trace', 'zeek', 'ours'];
const REASONS = ['zeek-quirk: ', 'our-bug: ', 'out-of-scope: '];
const MIN_KEY_RATE = 0.95;
const PREAMBLE = [
  'Differences between Zeek baseline http.log files (../shared/data/pcaps/zeek/Baseline, MANIFEST.md §8)',
  'and `tapwatch replay --format jsonl` on the same trace. Checked by test/pcap/ground-truth/zeek-http.test.ts:',
  'every difference must be listed here and every row here must still occur.',
  '',
  'comparison: key = a Zeek row with no record of ours equal on (method, host, uri, status_code);',
  '            bodies = equal on the key but (request_body_len, response_body_len) differ;',
  '            extra = a record of ours that no Zeek row of that baseline accounts for.',
  'Our values are rendered as Zeek would log the same message: uri percent-decoded by Zeek\'s unescape_URI,',
  'bytes outside printable ASCII as \\xNN, and the reply to an HTTP/0.9 request (no status line) as status 0.',
  'Zeek counts body lengths after decompression; ours are before (issue 3), hence the gzip/deflate rows.',
  'zeek / ours: method host uri status [| request_body_len response_body_len], Zeek-escaped;',
  '            - = unset, * = column not kept by the baseline (.cut logs), none = no such row/record.',
  'reason: "zeek-quirk: ..." (Zeek behaviour we do not copy), "our-bug: ..." (to fix), or',
  '        "out-of-scope: ..." (a feature Tapwatch does not have by design, e.g. TLS decryption).',
  'Regenerate with UPDATE_EXPECTED=1 (keeps reasons of rows that still occur).',
];

t.test('Zeek http.log parity', { skip: needsSharedData || (!hasBuild && 'needs a build (dist/)') }, async (t) => {
  const baselines = httpBaselines(SHARED_DATA);
  t.ok(baselines.length >= 60, `${baselines.length} Zeek baselines with http.log and an existing trace`);
  const results = await replayMany(baselines.map((b) => b.traceFile));

  let rows = 0;
  let keyMatched = 0;
  let bodyRows = 0;
  let bodyMatched = 0;
  const observed: Difference[] = [];
  const replayErrors: string[] = [];
  const perBaseline: string[] = [];
  for (const b of baselines) {
    const log = parseZeekLog(readFileSync(b.log, 'utf8'));
    const result = results.get(b.traceFile);
    const records = result?.http ?? [];
    for (const e of result?.errors ?? []) replayErrors.push(`${b.trace}: ${e}`);
    const cmp = compareZeek(log, records);
    rows += cmp.rows;
    keyMatched += cmp.keyMatched;
    bodyRows += cmp.bodyRows;
    bodyMatched += cmp.bodyMatched;
    perBaseline.push(`${cmp.keyMatched}/${cmp.rows} key, ${cmp.bodyMatched}/${cmp.bodyRows} bodies, ${records.length} ours  ${b.baseline}`);
    for (const d of cmp.differences) observed.push({ comparison: d.comparison, baseline: b.baseline, trace: b.trace, zeek: d.zeek, ours: d.ours });
  }
  const keyRate = rows > 0 ? keyMatched / rows : 0;
  t.comment(perBaseline.join('\n'));
  t.comment(
    `Zeek rows: ${rows}; key match ${keyMatched}/${rows} = ${(keyRate * 100).toFixed(1)}%; ` +
      `bodies match ${bodyMatched}/${bodyRows} of key-matched rows; ${observed.filter((d) => d['comparison'] === 'extra').length} extra records`,
  );
  t.same(replayErrors, [], 'every trace replays without capture errors');
  t.ok(keyRate >= MIN_KEY_RATE, `key match rate ${(keyRate * 100).toFixed(1)}% >= ${MIN_KEY_RATE * 100}%`);

  const expected = readExpected(EXPECTED, COLUMNS);
  if (UPDATE) writeExpected(expected, observed, PREAMBLE, ['comparison', 'baseline', 'trace', 'zeek']);
  const rec = reconcile(UPDATE ? readExpected(EXPECTED, COLUMNS) : expected, observed, REASONS);
  const detail = describe(rec, COLUMNS);
  const keyRows = expected.rows.filter((r) => r.cells['comparison'] === 'key');
  const byReason = (p: string): number => keyRows.filter((r) => r.reason.startsWith(p)).length;
  t.comment(
    `listed key mismatches: ${byReason('our-bug: ')} our-bug, ${byReason('zeek-quirk: ')} zeek-quirk, ` +
      `${byReason('out-of-scope: ')} out-of-scope; rate with every our-bug fixed: ` +
      `${(((rows - keyRows.length + byReason('our-bug: ')) / Math.max(rows, 1)) * 100).toFixed(1)}%`,
  );
  t.equal(rec.unlisted.length, 0, 'every difference is listed in test/pcap/expected/zeek-http-mismatches.tsv', { detail });
  t.equal(rec.stale.length, 0, 'every listed difference still occurs', { detail });
  t.equal(rec.unclassified.length, 0, 'every listed difference has a reason (zeek-quirk / our-bug / out-of-scope)', { detail });
});
