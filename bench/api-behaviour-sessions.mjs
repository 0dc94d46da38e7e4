// Scores the rows of the "API Access Behaviour Anomaly Dataset" (Kaggle, via
// abhijithts16/API-Anomaly-Predictor; licence unclear, so read from ../shared/data and never copied
// into the repository) the way the product judges a client against its peers, with the product's
// own code from dist/ (built by `npx tsc`): the spike detector's peer bar and score
// (dist/detectors/spike*.js, bulk-pull-stats.js's log histogram), the scraping detector's peer norm
// (scraping-peers.js) and its score (peer-score.js), each with its config defaults as shipped.
// Why: issue 13 asks whether the detectors' peer factors say anything on a labelled set of API
// sessions. Each row is one API client's aggregated figures, not requests, so only the factors with
// a column can be judged; no think time, status code, user agent or id is in the data.
//
// Columns onto the product's factors (the same meaning, not what separates the labels best):
//   requests a minute   sequence_length / max(1, vsession_duration)   spike: >= max(minPerMinute,
//                       (the session vector's requests_per_min)        peerMargin x peers' peerQuantile)
//   distinct resources  num_unique_apis                               scraping gate: >= max(minDistinctResources,
//                                                                       breadthRatio x peers' p90)
//   sustained seconds   vsession_duration x 60                        scraping gate: >= minSustainSec
//   re-read share       1 - api_access_uniqueness                     scraping score (repoll) vs peers' median
//   hosting network     ip_type = datacenter                          no product factor: it takes the slot of
//                                                                       scraping's one weak factor (weight 0.1),
//                                                                       so it raises a score, never flags alone
// The scraping gates without a column (machine-regular think time, read share) are taken as met, so
// the scraping line is an upper bound. Without a column: think-time spread, 401/403/404/429/5xx shares,
// ids never returned to the client, records and bytes, new body fields, user agents, IP changes,
// hour-of-week activity, the client's own history. Columns without a product factor: num_sessions,
// num_users, source, sequence_length (only inside the rate), inter_api_access_duration (see below).
// The dataset's inter_api_access_duration equals vsession_duration / (60 x sequence_length x
// num_users) and api_access_uniqueness equals num_unique_apis / (sequence_length x num_users) on its
// rows (measured below, `dataset.derivedColumns`): they are not a gap and a share of one client's
// session but are divided by the users a row aggregates (normal rows >= 101 users, outliers 1). The
// rate from the mean gap is therefore a variant (`gapRateVariant`), not the main line.
//
// Protocol: per seed, a stratified split (70% training); the peers' norms are learned from the
// normal rows of the training split only (its outliers are not used) and the held-out split is
// scored. A row is flagged when a detector's gates are all met at its default bars (its finding then
// scores >= 0.5); the ROC AUC is of the raw score: log2 of the weakest gate's ratio to its bar, the
// better detector taken. Reference line (not the product's skill): ip_type alone.
//
//   node bench/api-behaviour-sessions.mjs [--data DIR] [--out FILE] [--rows-out FILE]
//
// Writes bench/results/api-behaviour-sessions.json (per seed and mean/min/max: precision, recall,
// false-positive rate, counts, AUC, per source and ip_type); --rows-out lists, per seed, the rows the
// peers were learned from and the rows scored (for the test).
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from './lib/csv.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const DATA = path.resolve(arg('--data', process.env.TAPWATCH_SHARED_DATA ?? path.join(ROOT, '../shared/data')));
const OUT = path.resolve(arg('--out', path.join(ROOT, 'bench/results/api-behaviour-sessions.json')));
const ROWS_OUT = arg('--rows-out', null);
const CSV = 'datasets/api-access-behaviour-anomaly/supervised_dataset.csv';

const SEEDS = [1, 2, 3, 4, 5];
const TRAIN_SHARE = 0.7;
/**
 * No think-time column: every normal training row enters the scraping peer norm as a person's run.
 * Any equal positive spread does (a run is machine-regular only below a share of the others').
 */
const HUMAN_SPREAD = 3;

const { spikeSchema } = require(path.join(DIST, 'detectors/spike.js'));
const { spikeScore } = require(path.join(DIST, 'detectors/spike-finding.js'));
const { scraping } = require(path.join(DIST, 'detectors/scraping.js'));
const { PeerNorm } = require(path.join(DIST, 'detectors/scraping-peers.js'));
const { LogHistogram } = require(path.join(DIST, 'detectors/bulk-pull-stats.js'));
const { Rng } = require(path.join(DIST, 'simulate/prng.js'));
const { peerBar, weakestExcess, scrapingScore, breadthStrength, sustainStrength, repollStrength } = require(path.join(DIST, 'detectors/peer-score.js'));
const { quantileSorted } = require(path.join(DIST, 'core/quantile.js'));
const { robustZ } = require(path.join(DIST, 'features/robust.js'));

const SPIKE = spikeSchema.parse({});
const SCRAPING = scraping.schema.parse({});

/** The scenario generator's seeded PRNG, so every split is the same on every machine. */
function prng(seed) {
  const rng = new Rng(seed, 'api-behaviour-split');
  return () => rng.next();
}

function shuffle(items, rand) {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** A number, or NaN for an empty cell (four outlier rows have no gap and no uniqueness). */
const num = (s) => (s === '' ? NaN : Number(s));

function loadRows(file) {
  const rows = parseCsv(readFileSync(file, 'utf8')).filter((r) => !(r.length === 1 && r[0] === ''));
  const header = rows[0];
  const col = (name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column ${name}`);
    return i;
  };
  const c = {
    id: col('_id'),
    gap: col('inter_api_access_duration(sec)'),
    uniq: col('api_access_uniqueness'),
    seq: col('sequence_length(count)'),
    dur: col('vsession_duration(min)'),
    ip: col('ip_type'),
    sessions: col('num_sessions'),
    users: col('num_users'),
    apis: col('num_unique_apis'),
    source: col('source'),
    label: col('classification'),
  };
  return rows.slice(1).map((f, index) => {
    const seq = num(f[c.seq]);
    const durMin = num(f[c.dur]);
    const gap = num(f[c.gap]);
    const uniq = num(f[c.uniq]);
    return {
      index,
      id: f[c.id],
      label: f[c.label],
      source: f[c.source],
      ipType: f[c.ip],
      seq,
      durMin,
      gap,
      uniq,
      sessions: num(f[c.sessions]),
      users: num(f[c.users]),
      apis: num(f[c.apis]),
      // the product's factors (see the header)
      rate: seq / Math.max(1, durMin),
      gapRate: gap > 0 ? 60 / gap : NaN,
      distinct: num(f[c.apis]),
      sustainedSec: durMin * 60,
      repeatShare: Number.isFinite(uniq) ? 1 - uniq : NaN,
      datacenter: f[c.ip] === 'datacenter',
    };
  });
}

const round4 = (x) => (x === null || !Number.isFinite(x) ? x : Math.round(x * 10_000) / 10_000);

function rates(tp, fp, tn, fn) {
  const r = (a, b) => (b > 0 ? round4(a / b) : null);
  const precision = r(tp, tp + fp);
  const recall = r(tp, tp + fn);
  return { tp, fp, tn, fn, precision, recall, falsePositiveRate: r(fp, fp + tn), f1: precision !== null && recall !== null && precision + recall > 0 ? round4((2 * precision * recall) / (precision + recall)) : null };
}

/** ROC AUC (Mann–Whitney, ties counted half) of `score` with outliers positive; null without both classes. */
function auc(rows, score) {
  const scored = rows.map((r) => ({ s: score(r), pos: r.label === 'outlier' }));
  const pos = scored.filter((x) => x.pos).length;
  const neg = scored.length - pos;
  if (pos === 0 || neg === 0) return null;
  scored.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : 0));
  let rankSum = 0;
  for (let i = 0; i < scored.length; ) {
    let j = i;
    while (j < scored.length && scored[j].s === scored[i].s) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (scored[k].pos) rankSum += midRank;
    i = j;
  }
  return round4((rankSum - (pos * (pos + 1)) / 2) / (pos * neg));
}

/** Median, MAD, p10 and p90 of the finite values, the arithmetic of features/robust.ts summarize(). */
function summary(values) {
  const v = Float64Array.from(values.filter(Number.isFinite)).sort();
  const n = v.length;
  if (n === 0) return { n: 0, median: 0, mad: 0, p10: 0, p90: 0 };
  const median = quantileSorted(v, n, 0.5);
  const dev = Float64Array.from(v, (x) => Math.abs(x - median)).sort();
  return { n, median, mad: quantileSorted(dev, n, 0.5), p10: quantileSorted(v, n, 0.1), p90: quantileSorted(v, n, 0.9) };
}

const FACTORS = ['rate', 'gapRate', 'distinct', 'sustainedSec', 'repeatShare', 'datacenter', 'seq'];

/** What the peers (normal training rows) teach each detector. */
function learnPeers(peers, rateKey) {
  const rates = new LogHistogram();
  const norm = new PeerNorm(SCRAPING.maxPeerRuns, SCRAPING.minPeerRuns, SCRAPING.regularityRatio);
  for (const r of peers) {
    const rate = r[rateKey];
    if (Number.isFinite(rate)) rates.add(rate);
    norm.add({
      spread: HUMAN_SPREAD,
      distinct: r.distinct,
      gap: r.sustainedSec / Math.max(1, r.seq),
      rate: r.rate,
      repeatShare: Number.isFinite(r.repeatShare) ? r.repeatShare : 0,
    });
  }
  if (!norm.ready()) throw new Error('the scraping peer norm is not ready: too few peer rows');
  const ratePeer = rates.quantile(SPIKE.peerQuantile);
  return {
    rateKey,
    // spike: a client without history is judged against a typical client's busy minute, at least 1
    ratePeerQuantile: ratePeer,
    rateBar: peerBar(Math.max(ratePeer, 1), SPIKE.peerMargin, SPIKE.minPerMinute),
    distinctP90: norm.distinctP90(),
    breadthBar: peerBar(norm.distinctP90(), SCRAPING.breadthRatio, SCRAPING.minDistinctResources),
    sustainBar: SCRAPING.minSustainSec,
    repeatMedian: norm.repeatMedian(),
  };
}

/** The product's judgement of one row: which detectors would report it, their scores, the raw score. */
function judge(r, p) {
  const rate = r[p.rateKey];
  const spikeExcess = Number.isFinite(rate) ? rate / p.rateBar : NaN;
  const spikeFired = spikeExcess >= 1;
  const scrapeExcess = weakestExcess([r.distinct, r.sustainedSec], [p.breadthBar, p.sustainBar]);
  const scrapeFired = scrapeExcess >= 1;
  const scores = [];
  if (spikeFired) scores.push(spikeScore(rate, p.rateBar));
  if (scrapeFired) {
    scores.push(
      scrapingScore({
        // no think-time column: the regularity gate is taken as met exactly at its bar
        regular: 0,
        breadth: breadthStrength(r.distinct, p.breadthBar),
        sustain: sustainStrength(r.sustainedSec, p.sustainBar),
        repoll: Number.isFinite(r.repeatShare) ? repollStrength(r.repeatShare, p.repeatMedian) : 0,
        agent: r.datacenter ? 1 : 0,
      }),
    );
  }
  const log2 = (e) => (Number.isFinite(e) && e > 0 ? Math.log2(e) : e === Infinity ? Infinity : -Infinity);
  return {
    flagged: spikeFired || scrapeFired,
    spike: spikeFired,
    scraping: scrapeFired,
    score: scores.length === 0 ? null : Math.max(...scores),
    raw: Math.max(log2(spikeExcess), log2(scrapeExcess)),
  };
}

/** Confusion counts, rates and AUC of `flag`/`raw` over `rows`. */
function evaluate(rows, flag, raw) {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (const r of rows) {
    const f = flag(r);
    if (r.label === 'outlier') {
      if (f) tp++;
      else fn++;
    } else if (f) fp++;
    else tn++;
  }
  return { rows: rows.length, ...rates(tp, fp, tn, fn), auc: auc(rows, raw) };
}

function groups(rows, key, flag, raw) {
  const out = {};
  for (const g of [...new Set(rows.map((r) => r[key]))].sort()) out[g] = evaluate(rows.filter((r) => r[key] === g), flag, raw);
  return out;
}

function spread(values) {
  const v = values.filter((x) => x !== null && Number.isFinite(x));
  if (v.length === 0) return null;
  return { mean: round4(v.reduce((a, b) => a + b, 0) / v.length), min: round4(Math.min(...v)), max: round4(Math.max(...v)), of: v.length };
}

const METRICS = ['precision', 'recall', 'falsePositiveRate', 'auc'];

function summarise(results) {
  const out = {};
  for (const m of METRICS) out[m] = spread(results.map((r) => r[m]));
  for (const c of ['tp', 'fp', 'tn', 'fn']) out[`${c}Total`] = results.reduce((a, r) => a + r[c], 0);
  return out;
}

/** Relations between columns the dataset's own arithmetic implies (shares of rows within 1% and 10%). */
function derivedColumns(rows) {
  const within = (xs, tol) => round4(xs.filter((x) => Math.abs(x - 1) <= tol).length / xs.length);
  const fit = (xs) => ({ shareWithin1Percent: within(xs, 0.01), shareWithin10Percent: within(xs, 0.1), median: round4(summary(xs).median) });
  const usable = rows.filter((r) => Number.isFinite(r.gap) && Number.isFinite(r.uniq) && r.seq > 0 && r.apis > 0);
  const gapRatio = usable.map((r) => (r.gap * 60 * r.seq * r.users) / r.durMin);
  const uniqRatio = usable.map((r) => (r.uniq * r.seq * r.users) / r.apis);
  return {
    rowsChecked: usable.length,
    // vsession_duration is whole minutes: short sessions round far from the exact ratio
    gapEqualsDurationOver60xSeqxUsers: fit(gapRatio),
    uniquenessEqualsApisOverSeqxUsers: fit(uniqRatio),
  };
}

function main() {
  const file = path.join(DATA, CSV);
  if (!existsSync(file)) {
    console.error(`no ${CSV} under ${DATA}: nothing to score`);
    process.exit(2);
  }
  const started = process.hrtime.bigint();
  const rows = loadRows(file);
  const normal = rows.filter((r) => r.label === 'normal');
  const outlier = rows.filter((r) => r.label === 'outlier');
  const splits = [];
  const rowLists = [];
  for (const seed of SEEDS) {
    const rand = prng(seed);
    const cut = (cls) => {
      const s = shuffle(cls, rand);
      const k = Math.round(s.length * TRAIN_SHARE);
      return [s.slice(0, k), s.slice(k)];
    };
    const [peers, testNormal] = cut(normal);
    const [trainOutliers, testOutlier] = cut(outlier);
    const test = [...testNormal, ...testOutlier].sort((a, b) => a.index - b.index);
    const p = learnPeers(peers, 'rate');
    const verdicts = new Map(test.map((r) => [r.index, judge(r, p)]));
    const flag = (r) => verdicts.get(r.index).flagged;
    const raw = (r) => verdicts.get(r.index).raw;
    const pGap = learnPeers(peers, 'gapRate');
    const gapVerdicts = new Map(test.map((r) => [r.index, judge(r, pGap)]));
    const fired = (which) => ({
      normal: test.filter((r) => r.label === 'normal' && verdicts.get(r.index)[which]).length,
      outlier: test.filter((r) => r.label === 'outlier' && verdicts.get(r.index)[which]).length,
    });
    const base = {};
    for (const f of FACTORS) base[f] = summary(peers.map((r) => Number(r[f])));
    const factors = {};
    for (const f of FACTORS) {
      const s = base[f];
      const medZ = (cls) => round4(summary(test.filter((r) => r.label === cls).map((r) => robustZ(Number(r[f]), s))).median);
      factors[f] = {
        peers: { n: s.n, median: round4(s.median), mad: round4(s.mad), p10: round4(s.p10), p90: round4(s.p90) },
        // robust z (features/robust.ts) of the held-out rows against the peers' median/MAD
        heldOutMedianRobustZ: { normal: medZ('normal'), outlier: medZ('outlier') },
        // higher is more suspicious, as every product factor reads it; missing values rank lowest
        auc: auc(test, (r) => (Number.isFinite(Number(r[f])) ? Number(r[f]) : -Infinity)),
      };
    }
    splits.push({
      seed,
      training: { peers: peers.length, outliersNotUsed: trainOutliers.length },
      heldOut: { normal: testNormal.length, outlier: testOutlier.length },
      peerNorms: {
        ratePeerQuantile: round4(p.ratePeerQuantile),
        rateBar: round4(p.rateBar),
        distinctP90: round4(p.distinctP90),
        breadthBar: round4(p.breadthBar),
        sustainBarSec: p.sustainBar,
        repeatMedian: round4(p.repeatMedian),
      },
      overall: evaluate(test, flag, raw),
      fired: { spike: fired('spike'), scraping: fired('scraping') },
      flaggedScores: spread(test.filter(flag).map((r) => verdicts.get(r.index).score)),
      bySource: groups(test, 'source', flag, raw),
      byIpType: groups(test, 'ipType', flag, raw),
      ipTypeOnly: evaluate(test, (r) => r.datacenter, (r) => (r.datacenter ? 1 : 0)),
      gapRateVariant: {
        rateBar: round4(pGap.rateBar),
        ...evaluate(test, (r) => gapVerdicts.get(r.index).flagged, (r) => gapVerdicts.get(r.index).raw),
      },
      factors,
    });
    rowLists.push({ seed, peers: peers.map((r) => r.index).sort((a, b) => a - b), scored: test.map((r) => r.index) });
  }

  const pick = (f) => splits.map(f);
  const groupSummary = (key) => {
    const out = {};
    for (const g of Object.keys(splits[0][key])) out[g] = summarise(pick((s) => s[key][g]));
    return out;
  };
  const factorAuc = {};
  for (const f of FACTORS) factorAuc[f] = spread(pick((s) => s.factors[f].auc));
  const users = (cls) => rows.filter((r) => r.label === cls).map((r) => r.users);

  const result = {
    what: 'API Access Behaviour Anomaly Dataset rows judged by the product\'s peer factors (spike and the scraping gates with a column), each detector at its default bars, peers learned from the normal rows of a training split; see the header of bench/api-behaviour-sessions.mjs.',
    data: { root: '../shared/data (not in the repository)', file: CSV, source: 'Kaggle "API Access Behaviour Anomaly Dataset" via abhijithts16/API-Anomaly-Predictor @ 9670fb76 (licence unclear, GPL-2 cited)' },
    protocol: {
      seeds: SEEDS,
      trainShare: TRAIN_SHARE,
      split: "stratified by classification, shuffled per class with the scenario generator's Rng(seed, 'api-behaviour-split')",
      peers: 'normal rows of the training split only; its outlier rows are not used',
      scored: 'every row of the held-out split',
      flagged: "a detector's gates are all met at its default bars (its finding scores >= 0.5 there)",
      rawScore: "log2 of the weakest gate's ratio to its bar, the higher of spike and scraping (AUC only)",
    },
    defaults: {
      source: 'dist/detectors/spike.js spikeSchema.parse({}) and dist/detectors/scraping.js scraping.schema.parse({})',
      spike: { minPerMinute: SPIKE.minPerMinute, peerQuantile: SPIKE.peerQuantile, peerMargin: SPIKE.peerMargin },
      scraping: {
        breadthRatio: SCRAPING.breadthRatio,
        minDistinctResources: SCRAPING.minDistinctResources,
        minSustainSec: SCRAPING.minSustainSec,
        regularityRatio: SCRAPING.regularityRatio,
        minReadShare: SCRAPING.minReadShare,
        minPeerRuns: SCRAPING.minPeerRuns,
        maxPeerRuns: SCRAPING.maxPeerRuns,
      },
      findingScoreAtBars: { spike: spikeScore(1, 1), scraping: scrapingScore({ regular: 0, breadth: 0, sustain: 0, repoll: 0, agent: 0 }) },
    },
    mapping: [
      { factor: 'requests a minute', column: 'sequence_length / max(1, vsession_duration)', product: "spike: requests in a minute against a typical client's busy minute (peers' quantile x margin, floor minPerMinute); the session vector's requests_per_min", role: 'gate (spike)' },
      { factor: 'distinct resources', column: 'num_unique_apis', product: "scraping: distinct resources of a run against max(minDistinctResources, breadthRatio x peers' p90)", role: 'gate (scraping)' },
      { factor: 'sustained seconds', column: 'vsession_duration x 60', product: 'scraping: seconds the pace stayed regular, >= minSustainSec (an upper bound: the session is not known to be regular throughout)', role: 'gate (scraping)' },
      { factor: 're-read share', column: '1 - api_access_uniqueness', product: "scraping: repeatShare against the peers' median (score only)", role: 'score (scraping)' },
      { factor: 'hosting network', column: "ip_type = 'datacenter'", product: "none: no detector has a hosting-ASN factor; it takes the slot of scraping's weak automation-agent factor (weight 0.1)", role: 'score (scraping), never flags alone' },
      { factor: 'requests a minute (variant)', column: '60 / inter_api_access_duration', product: 'spike, as above', role: 'gapRateVariant only: the column is divided by num_users (dataset.derivedColumns)' },
    ],
    productFactorsWithoutColumn: [
      'think-time spread (scraping regularity gate: taken as met)',
      'share of GET/HEAD (scraping read-share gate: taken as met)',
      'automation user agent (scraping weak factor; its slot holds the datacenter flag)',
      "the client's own history (spike's own band, bulk pull's own hours, scraping's own baseline): every row is judged as a new client against peers",
      '401/403/404/429/5xx shares (credential attacks, enumeration, token abuse)',
      'ids never returned to the client, sequential id runs (enumeration/BOLA)',
      'records and bytes per hour (bulk pull)',
      'new request-body fields (mass assignment), parameter values (injection)',
      'IP, network and ASN changes of a token (token abuse)',
      'hour-of-week activity, off-hours',
    ],
    columnsWithoutProductFactor: [
      'num_users (no detector factor; it alone separates the labels: dataset.numUsers)',
      'num_sessions',
      'source (reported per value, not scored)',
      'inter_api_access_duration (derived from vsession_duration, sequence_length and num_users; gapRateVariant only)',
      'sequence_length on its own (the session vector has it as requests; no detector bar; used inside the rate)',
    ],
    dataset: {
      rows: rows.length,
      normal: normal.length,
      outlier: outlier.length,
      rowsMissingGapOrUniqueness: rows.filter((r) => !Number.isFinite(r.gap) || !Number.isFinite(r.uniq)).length,
      bySourceAndIpType: Object.fromEntries(
        [...new Set(rows.map((r) => `${r.source}/${r.ipType}`))].sort().map((k) => [k, { normal: rows.filter((r) => `${r.source}/${r.ipType}` === k && r.label === 'normal').length, outlier: rows.filter((r) => `${r.source}/${r.ipType}` === k && r.label === 'outlier').length }]),
      ),
      derivedColumns: derivedColumns(rows),
      numUsers: { normalMin: Math.min(...users('normal')), outlierMax: Math.max(...users('outlier')) },
    },
    summary: {
      overall: summarise(pick((s) => s.overall)),
      bySource: groupSummary('bySource'),
      byIpType: groupSummary('byIpType'),
      ipTypeOnlyReference: summarise(pick((s) => s.ipTypeOnly)),
      gapRateVariant: summarise(pick((s) => s.gapRateVariant)),
      factorAuc,
    },
    splits,
    msTotal: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  if (ROWS_OUT !== null) writeFileSync(path.resolve(ROWS_OUT), `${JSON.stringify({ splits: rowLists })}\n`);

  const line = (name, s) =>
    console.log(`${name}: precision ${JSON.stringify(s.precision)} recall ${JSON.stringify(s.recall)} FPR ${JSON.stringify(s.falsePositiveRate)} AUC ${JSON.stringify(s.auc)} (tp ${s.tpTotal} fp ${s.fpTotal} tn ${s.tnTotal} fn ${s.fnTotal} over ${SEEDS.length} splits)`);
  line('product peer factors', result.summary.overall);
  for (const [g, s] of Object.entries(result.summary.bySource)) line(`  source ${g}`, s);
  for (const [g, s] of Object.entries(result.summary.byIpType)) line(`  ip_type ${g}`, s);
  line('gap-rate variant', result.summary.gapRateVariant);
  line('reference: ip_type alone', result.summary.ipTypeOnlyReference);
  console.log(`factor AUCs: ${JSON.stringify(Object.fromEntries(Object.entries(factorAuc).map(([k, v]) => [k, v?.mean ?? null])))}`);
  console.log(`wrote ${path.relative(process.cwd(), OUT)} in ${result.msTotal} ms`);
}

main();
