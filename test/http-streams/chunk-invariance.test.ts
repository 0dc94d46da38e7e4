// Chunk invariance: every fixture gives the same transactions (and counters) whether its streams are fed
// whole, split in two at every byte position, or cut at several random positions.
import t from 'tap';
import { loadFixtures, normalize, runFixture, streamEvents, type RunResult } from './harness';

function fingerprint(r: RunResult): string {
  return JSON.stringify({ txs: r.txs.map(normalize), counters: r.counters.snapshot('http.'), stopped: r.stopped });
}

let seed = 12345;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

function randomCuts(len: number): number[] {
  const n = 1 + rnd(8);
  const cuts: number[] = [];
  for (let i = 0; i < n; i++) cuts.push(1 + rnd(Math.max(1, len - 1)));
  return cuts;
}

t.test('harness cuts streams and removes gap bytes', async (t) => {
  const s = new Uint8Array(100).fill(0x41);
  const kinds = streamEvents(s, [{ at: 40, len: 20 }], [10, 50, 70]).map((e) => (e.kind === 'gap' ? `g${e.len}` : `d${e.bytes.length}`));
  t.same(kinds, ['d10', 'd30', 'g20', 'd10', 'd30']);
});

for (const f of loadFixtures()) {
  t.test(f.name, async (t) => {
    const whole = fingerprint(runFixture(f));
    const bad: string[] = [];
    for (let k = 1; k < f.req.length; k++) {
      if (fingerprint(runFixture(f, [k], [])) !== whole) bad.push(`req split at ${k}`);
    }
    for (let k = 1; k < f.resp.length; k++) {
      if (fingerprint(runFixture(f, [], [k])) !== whole) bad.push(`resp split at ${k}`);
    }
    for (let i = 0; i < 40; i++) {
      const rc = randomCuts(f.req.length);
      const sc = randomCuts(f.resp.length);
      if (fingerprint(runFixture(f, rc, sc)) !== whole) bad.push(`cuts req=${rc.join(',')} resp=${sc.join(',')}`);
    }
    // Every byte its own piece.
    const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
    if (fingerprint(runFixture(f, all(f.req.length), all(f.resp.length))) !== whole) bad.push('one byte per piece');
    t.same(bad.slice(0, 10), [], `${f.name}: same transactions at every split (${bad.length} differ)`);
    if (bad.length > 0) {
      const first = bad[0] ?? '';
      const m = /(req|resp) split at (\d+)/.exec(first);
      if (m) {
        const k = Number(m[2]);
        const r = m[1] === 'req' ? runFixture(f, [k], []) : runFixture(f, [], [k]);
        t.comment(`whole: ${whole}`);
        t.comment(`split: ${fingerprint(r)}`);
      }
    }
  });
}
