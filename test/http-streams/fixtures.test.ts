// Each fixture fed whole: the transactions match the expectations written in its JSON.
import t from 'tap';
import { loadFixtures, normalize, runFixture } from './harness';

const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('latin1'));

for (const f of loadFixtures()) {
  t.test(`${f.name}: ${f.meta.description}`, async (t) => {
    const { txs, counters } = runFixture(f);
    t.equal(txs.length, f.meta.expect.length, 'transaction count');
    f.meta.expect.forEach((exp, i) => {
      const tx = txs[i];
      if (!tx) return;
      const got: Record<string, unknown> = { ...tx, reqBodyText: text(tx.reqBody), respBodyText: text(tx.respBody) };
      for (const [k, v] of Object.entries(exp)) t.same(got[k], v, `tx ${i + 1} ${k}`);
      t.equal(tx.txId, i + 1, `tx ${i + 1} id`);
      t.equal(tx.flowId, 'Ftest1');
    });
    for (const [name, n] of Object.entries(f.meta.counters ?? {})) t.equal(counters.get(name), n, `counter ${name}`);
    const json = JSON.stringify(txs.map(normalize));
    for (const s of f.meta.forbidden ?? []) {
      t.notOk(json.includes(s), `"${s}" never appears in a transaction`);
      t.notOk(json.includes(Buffer.from(s).toString('hex')), `"${s}" never appears in a body`);
    }
    t.equal(counters.get('http.internal_error'), 0, 'no internal error');
  });
}
