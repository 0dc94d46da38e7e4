// bench/api-behaviour-sessions.mjs on the API Access Behaviour Anomaly Dataset of the team data set
// (../shared/data, never copied into the repository): the script run again must reproduce the
// committed bench/results/api-behaviour-sessions.json, the peers' norms must come from the normal
// rows of each training split only (recomputed here from the rows it lists with the detectors' own
// code), and the decisions must follow the detectors' default bars. Skips without the data set or
// the build. The first test needs neither: the pure scraping score of peer-score.ts must stay the
// score scraping-finding.ts gives, or the script would judge with a stale copy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { LogHistogram } from '../../src/detectors/bulk-pull-stats';
import { breadthStrength, peerBar, regularStrength, repollStrength, scrapingScore, sustainStrength } from '../../src/detectors/peer-score';
import { scraping } from '../../src/detectors/scraping';
import { Actor } from '../../src/detectors/scraping-actor';
import { scrapingFinding, type Judgement } from '../../src/detectors/scraping-finding';
import { PeerNorm } from '../../src/detectors/scraping-peers';
import { spikeSchema } from '../../src/detectors/spike';
import { REPO } from '../helpers/paths';
import { needsSharedData, sharedData } from '../helpers/shared-data';

const SCRIPT = path.join(REPO, 'bench/api-behaviour-sessions.mjs');
const COMMITTED = path.join(REPO, 'bench/results/api-behaviour-sessions.json');
const CSV = sharedData('datasets/api-access-behaviour-anomaly/supervised_dataset.csv');
const BUILT = path.join(REPO, 'dist/detectors/peer-score.js');

const skip = needsSharedData || (!existsSync(CSV) ? `no ${CSV}` : !existsSync(BUILT) ? 'needs the build (npx tsc -p tsconfig.json)' : false);

const SPIKE = spikeSchema.parse({});
const SCRAPING = scraping.schema.parse({});
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

t.test("peer-score.ts's scraping score is the scraping finding's", async (t) => {
  const norm = new PeerNorm(SCRAPING.maxPeerRuns, 2, SCRAPING.regularityRatio);
  for (let i = 0; i < 40; i++) norm.add({ spread: 2 + (i % 5) / 2, distinct: 5 + i, gap: 3 + i / 10, rate: 10 + i, repeatShare: (i % 10) / 20 });
  const cases = [
    { distinct: 60, requests: 400, repeats: 40, agent: 'curl', spread: 0.1, sustained: 900 },
    { distinct: 300, requests: 2000, repeats: 1500, agent: null, spread: 0.3, sustained: 5000 },
    { distinct: 31, requests: 31, repeats: 0, agent: null, spread: 0, sustained: 600 },
  ];
  for (const c of cases) {
    const a = new Actor('user:a', 0, 'api.example', norm);
    a.distinct = c.distinct;
    a.requests = c.requests;
    a.repeats = c.repeats;
    a.agent = c.agent;
    const breadthThreshold = peerBar(norm.distinctP90(), SCRAPING.breadthRatio, SCRAPING.minDistinctResources);
    const j: Judgement = {
      ts: c.sustained,
      spread: c.spread,
      spreadThreshold: SCRAPING.regularityRatio * norm.spreadMedian(),
      gap: 1,
      sustainedSec: c.sustained,
      sustainThreshold: SCRAPING.minSustainSec,
      breadthThreshold,
      readShare: 1,
      minReadShare: SCRAPING.minReadShare,
      own: null,
    };
    const pure = scrapingScore({
      regular: regularStrength(j.spread, j.spreadThreshold),
      breadth: breadthStrength(a.distinct, breadthThreshold),
      sustain: sustainStrength(j.sustainedSec, j.sustainThreshold),
      repoll: repollStrength(a.repeats / a.requests, norm.repeatMedian()),
      agent: a.agent === null ? 0 : 1,
    });
    t.equal(round3(pure), scrapingFinding(a, j, []).score, `distinct ${c.distinct}, repeats ${c.repeats}/${c.requests}, agent ${c.agent}`);
  }
});

interface Rates {
  rows: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  falsePositiveRate: number | null;
  auc: number | null;
}

interface Split {
  seed: number;
  training: { peers: number; outliersNotUsed: number };
  heldOut: { normal: number; outlier: number };
  peerNorms: { ratePeerQuantile: number; rateBar: number; distinctP90: number; breadthBar: number; sustainBarSec: number; repeatMedian: number };
  overall: Rates;
  bySource: Record<string, Rates>;
  byIpType: Record<string, Rates>;
  ipTypeOnly: Rates;
  gapRateVariant: Rates;
}

interface Result {
  defaults: { spike: Record<string, number>; scraping: Record<string, number> };
  splits: Split[];
  msTotal?: number;
}

interface RowLists {
  splits: Array<{ seed: number; peers: number[]; scored: number[] }>;
}

interface Row {
  label: string;
  ipType: string;
  seq: number;
  durMin: number;
  apis: number;
}

/** The rows of the CSV in file order (no quoted fields in this file). */
function readRows(): Row[] {
  const lines = readFileSync(CSV, 'utf8').split(/\r?\n/).filter((l) => l !== '');
  const header = (lines[0] ?? '').split(',');
  const at = (name: string): number => header.indexOf(name);
  const c = { label: at('classification'), ip: at('ip_type'), seq: at('sequence_length(count)'), dur: at('vsession_duration(min)'), apis: at('num_unique_apis') };
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    return { label: f[c.label] ?? '', ipType: f[c.ip] ?? '', seq: Number(f[c.seq]), durMin: Number(f[c.dur]), apis: Number(f[c.apis]) };
  });
}

const counts = (r: Rates): number[] => [r.tp, r.fp, r.tn, r.fn];

t.test('the committed results are reproduced and the protocol holds', { skip }, async (t) => {
  t.ok(existsSync(COMMITTED), 'bench/results/api-behaviour-sessions.json is committed');
  const dir = mkdtempSync(path.join(tmpdir(), 'tapwatch-api-behaviour-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'result.json');
  const rowsOut = path.join(dir, 'rows.json');
  const run = spawnSync(process.execPath, [SCRIPT, '--out', out, '--rows-out', rowsOut], { encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 0, `the script runs (${run.stderr.trim()})`);
  const fresh = JSON.parse(readFileSync(out, 'utf8')) as Result;
  const committed = JSON.parse(readFileSync(COMMITTED, 'utf8')) as Result;
  const lists = JSON.parse(readFileSync(rowsOut, 'utf8')) as RowLists;

  // reproduced: the same counts per split, then everything but the run time
  t.equal(fresh.splits.length, committed.splits.length, 'as many splits');
  fresh.splits.forEach((s, i) => {
    const c = committed.splits[i] as Split;
    t.same(counts(s.overall), counts(c.overall), `seed ${s.seed}: tp, fp, tn, fn as committed`);
    t.equal(s.overall.auc, c.overall.auc, `seed ${s.seed}: AUC as committed`);
    t.same(counts(s.ipTypeOnly), counts(c.ipTypeOnly), `seed ${s.seed}: reference counts as committed`);
  });
  delete fresh.msTotal;
  delete committed.msTotal;
  t.same(fresh, committed, 'the whole result as committed');

  // the bars are the detectors' defaults, not chosen for this dataset
  t.same(fresh.defaults.spike, { minPerMinute: SPIKE.minPerMinute, peerQuantile: SPIKE.peerQuantile, peerMargin: SPIKE.peerMargin }, "spike's defaults");
  t.equal(fresh.defaults.scraping.breadthRatio, SCRAPING.breadthRatio);
  t.equal(fresh.defaults.scraping.minDistinctResources, SCRAPING.minDistinctResources);
  t.equal(fresh.defaults.scraping.minSustainSec, SCRAPING.minSustainSec);

  const rows = readRows();
  const normals = rows.filter((r) => r.label === 'normal').length;
  const outliers = rows.length - normals;
  const peerSets = new Set<string>();
  for (const [i, s] of fresh.splits.entries()) {
    const list = lists.splits[i];
    if (list === undefined) {
      t.fail(`seed ${s.seed}: no row lists`);
      continue;
    }
    const peers = new Set(list.peers);
    const scored = list.scored.map((k) => rows[k] as Row);
    peerSets.add(list.peers.join(','));
    t.ok(
      list.scored.every((k) => !peers.has(k)),
      `seed ${s.seed}: no peer row is scored`,
    );
    t.ok(
      list.peers.every((k) => rows[k]?.label === 'normal'),
      `seed ${s.seed}: the peers are normal rows only`,
    );
    // every normal row is a peer or scored; the outliers not scored are the training outliers left out
    t.equal(peers.size + scored.filter((r) => r.label === 'normal').length, normals, `seed ${s.seed}: normal rows split between peers and held-out`);
    t.equal(scored.filter((r) => r.label === 'outlier').length, outliers - s.training.outliersNotUsed, `seed ${s.seed}: held-out outliers`);
    const o = s.overall;
    t.equal(o.tp + o.fn, s.heldOut.outlier, `seed ${s.seed}: every held-out outlier judged`);
    t.equal(o.fp + o.tn, s.heldOut.normal, `seed ${s.seed}: every held-out normal judged`);
    t.ok(Math.abs(s.heldOut.outlier / outliers - s.heldOut.normal / normals) < 0.01, `seed ${s.seed}: stratified`);

    // the norms recomputed from the listed peer rows alone, with the detectors' code
    const peerRows = list.peers.map((k) => rows[k] as Row);
    const hist = new LogHistogram();
    const norm = new PeerNorm(SCRAPING.maxPeerRuns, SCRAPING.minPeerRuns, SCRAPING.regularityRatio);
    for (const r of peerRows) {
      hist.add(r.seq / Math.max(1, r.durMin));
      norm.add({ spread: 3, distinct: r.apis, gap: 1, rate: 1, repeatShare: 0 });
    }
    const rateBar = peerBar(Math.max(hist.quantile(SPIKE.peerQuantile), 1), SPIKE.peerMargin, SPIKE.minPerMinute);
    const breadthBar = peerBar(norm.distinctP90(), SCRAPING.breadthRatio, SCRAPING.minDistinctResources);
    t.equal(s.peerNorms.rateBar, round4(rateBar), `seed ${s.seed}: the spike bar comes from the peers`);
    t.equal(s.peerNorms.breadthBar, round4(breadthBar), `seed ${s.seed}: the breadth bar comes from the peers`);

    // the decisions follow the bars: spike's rate, or scraping's breadth and sustained gates together
    let tp = 0;
    let fp = 0;
    for (const r of scored) {
      const flagged = r.seq / Math.max(1, r.durMin) >= rateBar || (r.apis >= breadthBar && r.durMin * 60 >= SCRAPING.minSustainSec);
      if (flagged && r.label === 'outlier') tp++;
      else if (flagged) fp++;
    }
    t.same([tp, fp], [o.tp, o.fp], `seed ${s.seed}: flagged rows recomputed from the bars`);

    // the reference flags exactly the datacenter rows; its AUC is that of a yes/no score
    const ref = s.ipTypeOnly;
    t.equal(ref.tp + ref.fp, scored.filter((r) => r.ipType === 'datacenter').length, `seed ${s.seed}: the reference flags the datacenter rows`);
    if (ref.recall !== null && ref.falsePositiveRate !== null && ref.auc !== null) {
      t.ok(Math.abs(ref.auc - (ref.recall + 1 - ref.falsePositiveRate) / 2) < 1e-3, `seed ${s.seed}: reference AUC ${ref.auc}`);
    } else t.fail(`seed ${s.seed}: the reference has no recall, FPR or AUC`);
    for (const r of [o, ...Object.values(s.bySource), ...Object.values(s.byIpType), s.gapRateVariant]) {
      if (r.auc !== null) t.ok(r.auc >= 0 && r.auc <= 1, `seed ${s.seed}: AUC ${r.auc} within [0, 1]`);
    }
    t.comment(`seed ${s.seed}: precision ${o.precision}, recall ${o.recall}, FPR ${o.falsePositiveRate}, AUC ${o.auc}${o.auc !== null && o.auc < 0.5 ? " (below 0.5: the outliers sit under the peers on the product's factors)" : ''}`);
  }
  t.equal(peerSets.size, fresh.splits.length, 'each seed splits differently');
});
