// What a group of stages costs the product: the product as a user runs it (`replay FILE --format
// jsonl`, every record written to a file) with the default config, against one that turns the group
// off, alternating runs; tx/s and peak RSS of each, and the cost as a share of the default's tx/s.
// The identity mode (identities + baselines, issue 12) and the detectors mode (issue 13) are two
// uses of it. Keep-alive capture by default (the issues'), any capture given.
import fs from 'node:fs';
import path from 'node:path';
import { scanCapture } from './captures.mjs';
import { gitRevision, machineInfo } from './host.mjs';
import { OUT } from './paths.mjs';
import { fmtInt, fmtNum, fmtRatio, onOffSide, stamp } from './report.mjs';
import { setUp } from './setup.mjs';
import { cleanRunFiles } from './timed-run.mjs';
import { productCommand, runTapwatch } from './tools.mjs';

/**
 * spec: { mode: results-file mode name, what: the group as a phrase, offYaml: config that turns it off,
 * offNote: that config in one line, onYaml / onNote: a config for the "on" side too (to leave out
 * stages measured elsewhere; default: none), goal: on/off tx/s at least this }
 */
export async function runOnOffMode(opts, spec) {
  const notes = [];
  const picked = opts.capturesGiven ? opts : { ...opts, captures: ['keepalive'] };
  const { ctx, captures } = setUp(picked, notes);
  const offConfig = path.join(OUT, `.${spec.mode}-off.yaml`);
  fs.writeFileSync(offConfig, spec.offYaml);
  const onConfig = spec.onYaml === undefined ? null : path.join(OUT, `.${spec.mode}-on.yaml`);
  if (onConfig !== null) fs.writeFileSync(onConfig, spec.onYaml);
  const results = [];
  for (const cap of captures) {
    const { scan } = scanCapture(cap);
    const runs = { off: [], on: [] };
    for (let i = 1; i <= opts.runs; i++) {
      for (const mode of i % 2 === 1 ? ['off', 'on'] : ['on', 'off']) {
        const r = await runTapwatch(cap.file, ctx, { product: true, extraArgs: mode === 'off' ? ['--config', offConfig] : onConfig !== null ? ['--config', onConfig] : [] });
        runs[mode].push(r);
        console.log(`   run ${i}/${opts.runs} ${spec.what} ${mode.padEnd(3)} ${r.wallSec.toFixed(3)} s wall, in-loop ${r.loopSec.toFixed(3)} s, ${r.peakRssMiB === null ? '?' : r.peakRssMiB.toFixed(0)} MiB, ${r.transactions} tx`);
      }
    }
    cleanRunFiles();
    const off = onOffSide(runs.off);
    const on = onOffSide(runs.on);
    const onOverOff = on.txPerSec / off.txPerSec;
    console.log(`   off ${fmtInt(off.txPerSec)} tx/s, on ${fmtInt(on.txPerSec)} tx/s: on/off ${fmtRatio(onOverOff)}, peak RSS ${fmtNum(off.peakRssMiB, 0)} -> ${fmtNum(on.peakRssMiB, 0)} MiB`);
    results.push({ capture: cap.name, file: cap.file, packets: scan.packets, off, on, onOverOff, costShare: 1 - onOverOff, goalMet: onOverOff >= spec.goal });
  }
  console.log('');
  for (const r of results) {
    console.log(`${r.capture}: ${spec.what} cost ${(100 * r.costShare).toFixed(1)}% of the product's tx/s (goal < ${Math.round(100 * (1 - spec.goal))}%): ${r.goalMet ? 'met' : 'NOT met'}`);
  }
  for (const n of notes) console.log(`note: ${n}`);
  const outFile = path.join(OUT, `results-${spec.mode}-${stamp()}.json`);
  fs.writeFileSync(outFile, JSON.stringify({
    date: new Date().toISOString(),
    mode: spec.mode,
    goal: `the product's tx/s with ${spec.what} on >= ${spec.goal} x off (default config otherwise), same machine, alternating runs`,
    machine: machineInfo(),
    commands: { on: onConfig === null ? productCommand() : `${productCommand()} --config ON.yaml (${spec.onNote})`, off: `${productCommand()} --config OFF.yaml (${spec.offNote})` },
    tapwatch: { revision: gitRevision() },
    options: { runs: opts.runs, pinnedCpu: ctx.pinCpu },
    notes,
    captures: results,
  }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), outFile)}`);
  if (opts.check && results.some((r) => !r.goalMet)) process.exit(2);
}
