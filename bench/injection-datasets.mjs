// Scores the injection detector's matcher (dist/detectors/injection-*.js, built by `npx tsc`) on the
// labelled datasets of the team data set (../shared/data, never copied into the repository):
//   - HttpParamsDataset (Morzeux, MIT): 31,067 parameter values labelled norm / sqli / xss /
//     path-traversal / cmdi; each value goes through the matcher as a parameter value;
//   - CSIC 2010 (Spanish National Research Council, research use): raw HTTP requests, 36,000
//     normal test + 36,000 normal training + 25,065 anomalous; each request goes through the
//     detector's scan of the path, query and body. Its anomalous set also holds attacks that are not
//     injection (hidden/backup files, parameter tampering, buffer overflows), so recall there is a
//     floor on what injection patterns can reach; its requests carry no per-request attack type.
// A sample is positive when its strongest class scores at least the detector's default minScore.
// The learned normal (per endpoint and parameter) is not used: each sample stands alone.
//
//   node bench/injection-datasets.mjs [--data DIR] [--out FILE]
//
// Writes bench/results/injection-datasets.json: precision, recall, false-positive rate per dataset,
// per labelled attack type (HttpParamsDataset) and the classes that fired.
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseCsv } from './lib/csv.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist', 'detectors');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const DATA = path.resolve(arg('--data', process.env.TAPWATCH_SHARED_DATA ?? path.join(ROOT, '../shared/data')));
const OUT = path.resolve(arg('--out', path.join(ROOT, 'bench/results/injection-datasets.json')));

/** CSIC 2010 raw requests: request line, headers, blank line, a one-line body when Content-Length says so. */
export function parseCsic(text) {
  const lines = text.split(/\r?\n/);
  const requests = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const m = /^([A-Z]+) (\S+) HTTP\/\d\.\d$/.exec(line ?? '');
    if (!m) {
      i++;
      continue;
    }
    const headers = new Map();
    i++;
    while (i < lines.length && lines[i] !== '') {
      const h = /^([^:]+):\s*(.*)$/.exec(lines[i]);
      if (h) headers.set(h[1].toLowerCase(), h[2]);
      i++;
    }
    i++;
    let body = '';
    const length = Number(headers.get('content-length') ?? 0);
    if (length > 0 && i < lines.length) {
      body = lines[i] ?? '';
      i++;
    }
    // the target as sent (a URL parser would resolve `..` and re-encode): absolute form, host dropped
    const target = m[2].replace(/^[a-z]+:\/\/[^/]*/i, '') || '/';
    const q = target.indexOf('?');
    const query = q >= 0 && q + 1 < target.length ? target.slice(q + 1) : null;
    requests.push({ method: m[1], path: q >= 0 ? target.slice(0, q) : target, query, contentType: headers.get('content-type') ?? null, body });
  }
  return requests;
}

function rates(tp, fp, tn, fn) {
  const r = (a, b) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
  const precision = r(tp, tp + fp);
  const recall = r(tp, tp + fn);
  return { tp, fp, tn, fn, precision, recall, falsePositiveRate: r(fp, fp + tn), f1: precision !== null && recall !== null && precision + recall > 0 ? Math.round(((2 * precision * recall) / (precision + recall)) * 10_000) / 10_000 : null };
}

function main() {
  if (!existsSync(path.join(DATA, 'MANIFEST.md'))) {
    console.error(`no team data set at ${DATA} (MANIFEST.md missing): nothing to score`);
    process.exit(2);
  }
  const { matchValue } = require(path.join(DIST, 'injection-match.js'));
  const { scanPath, scanPairs, scanBody } = require(path.join(DIST, 'injection-params.js'));
  const { injection } = require(path.join(DIST, 'injection.js'));
  const options = injection.schema.parse({});
  const minScore = options.minScore;
  const limits = { maxValues: options.maxValues, maxValueChars: options.maxValueChars, maxDepth: options.maxDepth };

  const topOf = (classes) => classes.reduce((best, c) => (best === null || c.score > best.score ? c : best), null);

  // HttpParamsDataset
  const csv = parseCsv(readFileSync(path.join(DATA, 'datasets/HttpParamsDataset/payload_full.csv'), 'utf8')).slice(1).filter((r) => r.length >= 4);
  const byType = {};
  let tp = 0, fp = 0, tn = 0, fn = 0;
  const started = process.hrtime.bigint();
  for (const [payload, , type] of csv) {
    const m = matchValue(payload, false, limits.maxValueChars);
    const top = m === null ? null : topOf(m.classes);
    const positive = top !== null && top.score >= minScore;
    const t = (byType[type] ??= { samples: 0, flagged: 0, classes: {} });
    t.samples++;
    if (positive) {
      t.flagged++;
      t.classes[top.cls] = (t.classes[top.cls] ?? 0) + 1;
    }
    if (type === 'norm') {
      if (positive) fp++;
      else tn++;
    } else if (positive) tp++;
    else fn++;
  }
  const paramsMs = Number(process.hrtime.bigint() - started) / 1e6;
  for (const [type, t] of Object.entries(byType)) {
    if (type === 'norm') t.falsePositiveRate = Math.round((t.flagged / t.samples) * 10_000) / 10_000;
    else t.recall = Math.round((t.flagged / t.samples) * 10_000) / 10_000;
  }

  // CSIC 2010
  const scanRequest = (req) => {
    const hits = [];
    const stats = { values: 0, truncated: false };
    scanPath(req.path, limits, hits, stats);
    if (req.query) scanPairs(req.query, 'query', limits, hits, stats);
    if (req.body) scanBody(req.contentType, Buffer.from(req.body, 'latin1'), limits, hits, stats);
    let top = null;
    for (const h of hits) {
      const c = topOf(h.match.classes);
      if (c !== null && (top === null || c.score > top.score)) top = { ...c, location: h.location };
    }
    return top !== null && top.score >= minScore ? top : null;
  };
  const csicFile = (name) => parseCsic(gunzipSync(readFileSync(path.join(DATA, 'datasets/csic2010', name))).toString('latin1'));
  const csic = {};
  const classesFired = {};
  const locations = {};
  for (const [name, label] of [['normalTrafficTest.txt.gz', 'normal'], ['normalTrafficTraining.txt.gz', 'normal'], ['anomalousTrafficTest.txt.gz', 'anomalous']]) {
    const requests = csicFile(name);
    let flagged = 0;
    const fired = (classesFired[name] = {});
    for (const req of requests) {
      const top = scanRequest(req);
      if (top === null) continue;
      flagged++;
      fired[top.cls] = (fired[top.cls] ?? 0) + 1;
      locations[top.location] = (locations[top.location] ?? 0) + 1;
    }
    csic[name] = { label, requests: requests.length, flagged };
  }
  const a = csic['anomalousTrafficTest.txt.gz'];
  const nt = csic['normalTrafficTest.txt.gz'];
  const ntr = csic['normalTrafficTraining.txt.gz'];

  const result = {
    what: 'Injection matcher (src/detectors/injection-*.ts) on labelled datasets; a sample is positive when its strongest class scores >= minScore. Stateless: no learned normal.',
    minScore,
    data: { root: '../shared/data (not in the repository)', manifest: 'MANIFEST.md' },
    datasets: {
      HttpParamsDataset: {
        source: 'Morzeux/HttpParamsDataset @ 926670a7 (MIT), datasets/HttpParamsDataset/payload_full.csv',
        samples: csv.length,
        overall: rates(tp, fp, tn, fn),
        byType,
        msTotal: Math.round(paramsMs),
      },
      csic2010: {
        source: 'CSIC 2010 HTTP dataset via realivanivani/net-traffic-classifier @ ccde5947 (research use), datasets/csic2010/*.txt.gz',
        note: 'the anomalous set mixes injection (SQLi, XSS, CRLF) with non-injection anomalies (hidden files, parameter tampering, buffer overflow); per-request attack types are not labelled, so recall is over all anomalies',
        test: rates(a.flagged, nt.flagged, nt.requests - nt.flagged, a.requests - a.flagged),
        trainingNormalFalsePositiveRate: Math.round((ntr.flagged / ntr.requests) * 10_000) / 10_000,
        files: csic,
        classesFired,
        locationsFired: locations,
      },
    },
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  const o = result.datasets.HttpParamsDataset.overall;
  console.log(`HttpParamsDataset: precision ${o.precision} recall ${o.recall} FPR ${o.falsePositiveRate}`);
  for (const [type, t] of Object.entries(byType)) console.log(`  ${type}: ${t.samples} samples, ${t.flagged} flagged${t.recall !== undefined ? `, recall ${t.recall}` : `, FPR ${t.falsePositiveRate}`} ${JSON.stringify(t.classes)}`);
  const c = result.datasets.csic2010.test;
  console.log(`CSIC 2010 test: precision ${c.precision} recall ${c.recall} FPR ${c.falsePositiveRate}; training normal FPR ${result.datasets.csic2010.trainingNormalFalsePositiveRate}`);
  console.log(`  classes fired: ${JSON.stringify(classesFired)}`);
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

main();
