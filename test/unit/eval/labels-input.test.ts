// Reading the labels file and the requests file: every way they can be wrong is one sentence naming
// the file, of the kind (usage / failure) that sets the exit code; requests are found again by
// client, method, path and nearest time.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EvalInputError } from '../../../src/eval/errors';
import { loadLabels, requireReadable } from '../../../src/eval/labels-file';
import { readRequestIndex } from '../../../src/eval/request-index';

const LABELS = {
  version: 1,
  seed: 3,
  api: 'vampi.yaml',
  start: 100,
  end: 200,
  pcaps: ['week/day-1.pcap'],
  requestsFile: 'requests.jsonl',
  actors: [
    { id: 'alice', role: 'user', credential: 'bearer-jwt', username: 'alice', ips: ['10.0.0.1'], secrets: ['tok'] },
    { id: 'anon', role: 'user', credential: 'none', username: null, ips: ['10.0.0.3'], secrets: [] },
    { id: 'mallory', role: 'attacker', credential: 'none', username: null, ips: ['203.0.113.1'], secrets: [] },
  ],
  attacks: [{ id: 'atk-1', type: 'scraping', actors: ['mallory'], ips: ['203.0.113.1'], usernames: [], start: 150, end: 160, requests: 2, params: { stealth: 'slow' } }],
  benignRequests: 3,
};

function write(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function problemOf(fn: () => unknown): { problem: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!(err instanceof EvalInputError)) throw err;
    return { problem: err.problem, message: err.message };
  }
}

t.test('a good labels file resolves its files beside itself', async (t) => {
  const dir = t.testdir();
  const loaded = loadLabels(write(dir, 'labels.json', LABELS));
  t.equal(loaded.labels.seed, 3);
  t.same(loaded.pcapPaths, [path.join(dir, 'week/day-1.pcap')]);
  t.equal(loaded.requestsPath, path.join(dir, 'requests.jsonl'));
  const missing = problemOf(() => requireReadable(loaded.pcapPaths, 'capture named by labels.json:'));
  t.equal(missing?.problem, 'failure', 'a listed pcap that is not there: failure (exit 1)');
  t.match(missing?.message, /day-1\.pcap cannot be read \(ENOENT\)/);
});

t.test('bad labels: one sentence, usage (exit 2)', async (t) => {
  const dir = t.testdir();
  const cases: [string, unknown, RegExp][] = [
    ['missing.json', undefined, /cannot read it \(ENOENT\)/],
    ['not-json.json', '{"version": 1,', /not JSON/],
    ['v2.json', { ...LABELS, version: 2 }, /labels version 2 is not one this tapwatch reads \(1\)/],
    ['no-version.json', { seed: 1 }, /labels version null/],
    ['schema.json', { ...LABELS, attacks: [{ ...LABELS.attacks[0], type: 'teleport' }] }, /attacks\.0\.type: /],
    ['no-pcaps.json', { ...LABELS, pcaps: [] }, /pcaps: /],
    ['dup-actor.json', { ...LABELS, actors: [LABELS.actors[0], LABELS.actors[0]] }, /actor id "alice" is used twice/],
    ['ghost.json', { ...LABELS, attacks: [{ ...LABELS.attacks[0], actors: ['ghost'] }] }, /names actor "ghost", which is not in actors/],
    ['backwards.json', { ...LABELS, attacks: [{ ...LABELS.attacks[0], start: 170 }] }, /ends \(160\) before it starts \(170\)/],
  ];
  for (const [name, content, expected] of cases) {
    const file = content === undefined ? path.join(dir, name) : write(dir, name, content);
    const p = problemOf(() => loadLabels(file));
    t.equal(p?.problem, 'usage', name);
    t.match(p?.message, expected, name);
    t.notMatch(p?.message, /\n/, `${name}: one line`);
  }
});

t.test('requests file: counts, index, bad lines', async (t) => {
  const dir = t.testdir();
  const labels = loadLabels(write(dir, 'labels.json', LABELS)).labels;
  const line = (ts: number, client: string, uri: string, actor: string, label = 'benign'): string => JSON.stringify({ ts, client, method: 'GET', uri, actor, label });
  const file = write(
    dir,
    'requests.jsonl',
    [
      line(110, '10.0.0.1:40000', '/items?api_key=abc', 'alice'),
      line(110.5, '10.0.0.1:40000', '/items?page=2', 'alice'),
      line(120, '10.0.0.3:40001', '/items', 'anon'),
      '',
      line(150, '203.0.113.1:40002', '/items/1', 'mallory', 'atk-1'),
      line(151, '203.0.113.1:40002', '/items/2', 'mallory', 'atk-1'),
    ].join('\n') + '\n',
  );
  const index = await readRequestIndex(file, labels);
  t.same(index.counts, { lines: 5, benign: 3, attack: 2, credentialedBenign: 2 });
  // the transaction's path has no query; the nearest labelled time wins, each label is taken once
  t.equal(index.take('10.0.0.1:40000', 'GET', '/items', 110.45)?.ts, 110.5);
  t.equal(index.take('10.0.0.1:40000', 'GET', '/items', 110.45)?.ts, 110);
  t.equal(index.take('10.0.0.1:40000', 'GET', '/items', 110.45), null, 'both taken');
  t.equal(index.take('10.0.0.3:40001', 'GET', '/items', 120), null, 'anonymous benign requests are only counted');
  t.match(index.take('203.0.113.1:40002', 'GET', '/items/2', 151.2), { attack: 0, actor: 2 });
  t.equal(index.take('203.0.113.1:40002', 'GET', '/items/1', 151.5), null, 'beyond the 1 s tolerance');
  t.equal(index.take('203.0.113.1:40002', 'POST', '/items/1', 150), null, 'another method');

  const bad: [string, RegExp][] = [
    ['{"ts": 1', /line 1: not JSON/],
    [`${line(1, 'c:1', '/', 'alice')}\n{"ts":"x"}`, /line 2: ts: /],
    [line(1, 'c:1', '/', 'zed'), /line 1: actor "zed" is not in the labels' actors/],
    [line(1, 'c:1', '/', 'alice', 'atk-9'), /line 1: label "atk-9" is neither benign nor an attack/],
  ];
  for (const [content, expected] of bad) {
    const f = write(dir, 'bad.jsonl', content);
    await t.rejects(readRequestIndex(f, labels), { name: 'EvalInputError', problem: 'usage', message: expected });
  }
});
