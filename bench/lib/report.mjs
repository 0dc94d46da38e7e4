// Numbers into results: medians, rates, number formats, aligned text tables, result-file names.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function rates(packets, mb, sec) {
  return { sec, pps: packets / sec, mbps: mb / sec };
}

export const fmtInt = (x) => (x === null || x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));
export const fmtNum = (x, d) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
export const fmtRatio = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : `${x.toFixed(x < 0.1 ? 3 : 2)}x`);
export const med = (xs) => (xs.length === 0 || xs.some((x) => x === null || x === undefined) ? null : median(xs));
export const maxOf = (xs) => (xs.length === 0 || xs.some((x) => x === null || x === undefined) ? null : Math.max(...xs));

export function printTable(header, right, body) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

export function stamp() {
  return new Date().toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
}

// One side of an on/off comparison of tapwatch runs: medians of the runs (peak RSS: the maximum),
// the transaction count of the last run, rates from the medians.
export function onOffSide(rs) {
  const sec = median(rs.map((r) => r.wallSec));
  const loopSec = median(rs.map((r) => r.loopSec));
  const tx = rs[rs.length - 1].transactions;
  return { runs: rs.length, medianWallSec: sec, medianLoopSec: loopSec, cpuSec: med(rs.map((r) => r.cpuSec)), peakRssMiB: maxOf(rs.map((r) => r.peakRssMiB)), transactions: tx, txPerSec: tx / sec, loopTxPerSec: tx / loopSec };
}
