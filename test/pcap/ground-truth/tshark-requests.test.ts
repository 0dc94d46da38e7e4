// tshark cross-check: for every capture in which tshark 4.0.17 saw HTTP requests
// (../shared/data/derived/tshark-4.0.17/http_messages.tsv), we must report at least as many
// requests (http records with a method). Captures where we report fewer are listed with the
// explanation in test/pcap/expected/tshark-request-deficits.tsv; every listed deficit must still occur.
import t from 'tap';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../helpers/paths';
import { SHARED_DATA, needsSharedData, sharedData } from '../../helpers/shared-data';
import { describe, readExpected, reconcile, UPDATE, writeExpected, type Difference } from './expected';
import { hasBuild, replayMany } from './replay';
import { readTsharkRequestCounts } from './tshark';

const TSV = sharedData('derived/tshark-4.0.17/http_messages.tsv');
const EXPECTED = path.join(REPO, 'test/pcap/expected/tshark-request-deficits.tsv');
const COLUMNS = ['capture', 'tshark', 'ours'];
const REASONS = ['tshark-quirk: ', 'our-bug: ', 'out-of-scope: '];
const PREAMBLE = [
  'Captures where `tapwatch replay` reports fewer HTTP requests (http records with a method) than',
  'tshark 4.0.17 (../shared/data/derived/tshark-4.0.17/http_messages.tsv, counted with pipelined',
  'requests split). Checked by test/pcap/ground-truth/tshark-requests.test.ts: every deficit must be',
  'listed here and every row here must still occur with the same counts.',
  'reason: "tshark-quirk: ..." (tshark counts something that is not a request), "our-bug: ..." (to fix),',
  '        or "out-of-scope: ..." (a feature Tapwatch does not have by design).',
  'Regenerate with UPDATE_EXPECTED=1 (keeps reasons of captures still listed).',
];

const skip = needsSharedData || (!hasBuild && 'needs a build (dist/)');

t.test('at least as many requests as tshark, per capture', { skip }, async (t) => {
  const tshark = readTsharkRequestCounts(TSV);
  const captures = [...tshark.keys()].sort();
  t.ok(captures.length > 500, `${captures.length} captures where tshark saw requests`);
  const files = captures.map((c) => path.join(SHARED_DATA, c));
  const missing = files.filter((f) => !existsSync(f));
  t.same(missing, [], 'every capture named by the TSV exists');
  const started = Date.now();
  const results = await replayMany(files.filter((f) => existsSync(f)));
  t.comment(`replayed ${files.length} captures in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const observed: Difference[] = [];
  let tsharkTotal = 0;
  let oursTotal = 0;
  let oursCapped = 0;
  const errors: string[] = [];
  for (const capture of captures) {
    const want = tshark.get(capture) ?? 0;
    const result = results.get(path.join(SHARED_DATA, capture));
    for (const e of result?.errors ?? []) errors.push(`${capture}: ${e}`);
    const got = (result?.http ?? []).filter((r) => r.method !== null).length;
    tsharkTotal += want;
    oursTotal += got;
    oursCapped += Math.min(got, want);
    if (got < want) observed.push({ capture, tshark: String(want), ours: String(got) });
  }
  t.comment(
    `requests: tshark ${tsharkTotal}, ours ${oursTotal}; ${captures.length - observed.length}/${captures.length} captures with ours >= tshark; ` +
      `${oursCapped}/${tsharkTotal} of tshark's requests covered`,
  );
  t.same(errors, [], 'every capture replays without capture errors');

  const expected = readExpected(EXPECTED, COLUMNS);
  if (UPDATE) writeExpected(expected, observed, PREAMBLE, ['capture']);
  const rec = reconcile(UPDATE ? readExpected(EXPECTED, COLUMNS) : expected, observed, REASONS);
  const detail = describe(rec, COLUMNS);
  t.equal(rec.unlisted.length, 0, 'every deficit is listed in test/pcap/expected/tshark-request-deficits.tsv', { detail });
  t.equal(rec.stale.length, 0, 'every listed deficit still occurs', { detail });
  t.equal(rec.unclassified.length, 0, 'every listed deficit has a reason', { detail });
});
