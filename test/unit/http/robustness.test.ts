// Garbage, mutated fixtures, random cuts and gaps: the analyzer never throws and never reports an
// internal error; every transaction it emits is well-formed.
import t from 'tap';
import { loadFixtures, makeConfig, runFlow, streamEvents, type Gap } from '../../http-streams/harness';

let seed = 987654;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

function randomGaps(len: number): Gap[] {
  const gaps: Gap[] = [];
  if (len > 4 && rnd(3) === 0) {
    const at = rnd(len - 1);
    gaps.push({ at, len: 1 + rnd(Math.min(50, len - at)) });
  }
  return gaps;
}

function cuts(len: number): number[] {
  return Array.from({ length: rnd(6) }, () => rnd(Math.max(1, len)));
}

t.test('mutated fixtures', async (t) => {
  const fixtures = loadFixtures();
  const config = makeConfig({ maxLineBytes: 256, maxHeaderBytes: 1024, maxHeaderCount: 8, maxPendingPerFlow: 3, bodyCaptureBytes: 32 });
  let txCount = 0;
  let internal = 0;
  const bad: string[] = [];
  for (let round = 0; round < 1500; round++) {
    const f = fixtures[rnd(fixtures.length)];
    if (!f) continue;
    const req = Uint8Array.from(f.req);
    const resp = Uint8Array.from(f.resp);
    for (let m = rnd(6); m > 0; m--) {
      const target = rnd(2) === 0 ? req : resp;
      if (target.length > 0) target[rnd(target.length)] = rnd(256);
    }
    const r = runFlow(streamEvents(req, randomGaps(req.length), cuts(req.length)), streamEvents(resp, randomGaps(resp.length), cuts(resp.length)), {
      config,
      reqDir: (rnd(2) as 0 | 1),
      interleave: rnd(2) === 0,
    });
    internal += r.counters.get('http.internal_error');
    txCount += r.txs.length;
    for (const tx of r.txs) {
      if (!['full', 'request-only', 'response-only', 'gapped'].includes(tx.completeness)) bad.push(`completeness ${tx.completeness}`);
      if (!(tx.reqBodyLen >= 0 && tx.respBodyLen >= 0)) bad.push('negative length');
      if ((tx.reqBody?.length ?? 0) > 32 && tx.contentEncoding === null) bad.push('capture bound');
    }
  }
  t.equal(internal, 0, 'no internal errors');
  t.same(bad, []);
  t.ok(txCount > 0);
});

t.test('random bytes on an HTTP port', async (t) => {
  let internal = 0;
  for (let round = 0; round < 300; round++) {
    const mk = (): Uint8Array => {
      const n = rnd(400);
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = rnd(4) === 0 ? 0x0a : rnd(3) === 0 ? 0x20 : 0x41 + rnd(26);
      return b;
    };
    const req = Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n'), mk()]);
    const resp = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n'), mk()]);
    const r = runFlow(streamEvents(req, randomGaps(req.length), cuts(req.length)), streamEvents(resp, randomGaps(resp.length), cuts(resp.length)));
    internal += r.counters.get('http.internal_error');
  }
  t.equal(internal, 0);
});
