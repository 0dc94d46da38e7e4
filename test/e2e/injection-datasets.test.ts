// The injection matcher on samples of real labelled datasets from the team data set (../shared/data,
// never copied into the repository): every 10th HttpParamsDataset value and the first requests of
// CSIC 2010's normal and anomalous test sets. The floors sit well below what
// bench/injection-datasets.mjs measures on the full sets (bench/results/injection-datasets.json),
// so the test fails on a real regression, not on sampling noise. Skips without the data set.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { matchValue } from '../../src/detectors/injection-match';
import { scanBody, scanPairs, scanPath, type ParamHit, type ScanLimits } from '../../src/detectors/injection-params';
import { injection } from '../../src/detectors/injection';
import { needsSharedData, sharedData } from '../helpers/shared-data';

const skip = needsSharedData;
const options = injection.schema.parse({});
const limits: ScanLimits = { maxValues: options.maxValues, maxValueChars: options.maxValueChars, maxDepth: options.maxDepth };

/** The payload and attack type of each row of payload_full.csv (`"payload","length","attack_type","label"`). */
function paramsRows(): Array<{ payload: string; type: string }> {
  const rows: Array<{ payload: string; type: string }> = [];
  const text = readFileSync(sharedData('datasets/HttpParamsDataset/payload_full.csv'), 'utf8');
  const row = /^"((?:[^"]|"")*)","\d+","([^"]+)","[^"]+"$/;
  for (const line of text.split(/\r?\n/).slice(1)) {
    const m = row.exec(line);
    if (m) rows.push({ payload: (m[1] ?? '').replace(/""/g, '"'), type: m[2] ?? '' });
  }
  return rows;
}

interface CsicRequest {
  path: string;
  query: string | null;
  contentType: string | null;
  body: string;
}

/** The first `limit` raw requests of a CSIC 2010 file (request line, headers, blank line, one-line body). */
function csicRequests(file: string, limit: number): CsicRequest[] {
  const lines = gunzipSync(readFileSync(sharedData('datasets/csic2010', file))).toString('latin1').split(/\r?\n/);
  const out: CsicRequest[] = [];
  for (let i = 0; i < lines.length && out.length < limit; ) {
    const m = /^[A-Z]+ (\S+) HTTP\/\d\.\d$/.exec(lines[i] ?? '');
    i++;
    if (!m) continue;
    let length = 0;
    let contentType: string | null = null;
    for (; i < lines.length && lines[i] !== ''; i++) {
      const h = /^([^:]+):\s*(.*)$/.exec(lines[i] ?? '');
      if (h?.[1]?.toLowerCase() === 'content-length') length = Number(h[2]);
      if (h?.[1]?.toLowerCase() === 'content-type') contentType = h[2] ?? null;
    }
    i++;
    const body = length > 0 ? (lines[i++] ?? '') : '';
    const target = (m[1] ?? '').replace(/^[a-z]+:\/\/[^/]*/i, '') || '/';
    const q = target.indexOf('?');
    out.push({ path: q >= 0 ? target.slice(0, q) : target, query: q >= 0 ? target.slice(q + 1) : null, contentType, body });
  }
  return out;
}

function flagged(req: CsicRequest): boolean {
  const hits: ParamHit[] = [];
  const stats = { values: 0, truncated: false };
  scanPath(req.path, limits, hits, stats);
  if (req.query !== null) scanPairs(req.query, 'query', limits, hits, stats);
  if (req.body !== '') scanBody(req.contentType, Buffer.from(req.body, 'latin1'), limits, hits, stats);
  return hits.some((h) => h.match.classes.some((c) => c.score >= options.minScore));
}

t.test('HttpParamsDataset sample (every 10th value)', { skip }, async (t) => {
  const rows = paramsRows().filter((_, i) => i % 10 === 0);
  t.ok(rows.length > 3000, `${rows.length} values`);
  const by = new Map<string, { n: number; flagged: number }>();
  for (const { payload, type } of rows) {
    const m = matchValue(payload, false, limits.maxValueChars);
    const hit = m !== null && (m.classes[0]?.score ?? 0) >= options.minScore;
    const b = by.get(type) ?? { n: 0, flagged: 0 };
    b.n++;
    if (hit) b.flagged++;
    by.set(type, b);
  }
  const norm = by.get('norm') ?? { n: 0, flagged: 0 };
  let tp = 0;
  let attacks = 0;
  for (const [type, b] of by) {
    if (type === 'norm') continue;
    tp += b.flagged;
    attacks += b.n;
  }
  const recall = tp / attacks;
  const precision = tp / (tp + norm.flagged);
  const fpr = norm.flagged / norm.n;
  t.ok(precision >= 0.95, `precision ${precision.toFixed(4)} (measured on the full set: 1.0)`);
  t.ok(recall >= 0.85, `recall ${recall.toFixed(4)} (full set: 0.98)`);
  t.ok(fpr <= 0.01, `false-positive rate ${fpr.toFixed(4)} (full set: 0)`);
  const sqli = by.get('sqli');
  const xss = by.get('xss');
  t.ok(sqli !== undefined && sqli.flagged / sqli.n >= 0.9, 'SQLi recall ≥ 0.9 (full set: 0.999)');
  t.ok(xss !== undefined && xss.flagged / xss.n >= 0.75, 'XSS recall ≥ 0.75 (full set: 0.92)');
});

t.test('CSIC 2010 sample (first 3000 normal and 3000 anomalous test requests)', { skip }, async (t) => {
  const normal = csicRequests('normalTrafficTest.txt.gz', 3000);
  const anomalous = csicRequests('anomalousTrafficTest.txt.gz', 3000);
  t.equal(normal.length, 3000);
  t.equal(anomalous.length, 3000);
  const fp = normal.filter(flagged).length;
  const tp = anomalous.filter(flagged).length;
  const fpr = fp / normal.length;
  const precision = tp / (tp + fp);
  const recall = tp / anomalous.length;
  t.ok(fpr <= 0.005, `false-positive rate ${fpr.toFixed(4)} on normal requests (full set: 0)`);
  t.ok(precision >= 0.95, `precision ${precision.toFixed(4)} (full set: 1.0)`);
  // the anomalous set also holds non-injection anomalies (hidden files, tampered values)
  t.ok(recall >= 0.08, `recall ${recall.toFixed(4)} over all anomalies (full set: 0.17)`);
});
