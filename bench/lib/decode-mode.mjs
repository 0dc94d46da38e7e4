// --decode-only: tcpdump -r -w /dev/null vs tapwatch replay, read + decode only (the older benchmark).
import fs from 'node:fs';
import path from 'node:path';
import { readMeta, scanCapture } from './captures.mjs';
import { gitRevision, machineInfo } from './host.mjs';
import { OUT, TIME } from './paths.mjs';
import { fmtInt, fmtNum, maxOf, med, median, printTable, rates, stamp } from './report.mjs';
import { setUp } from './setup.mjs';
import { cleanRunFiles } from './timed-run.mjs';
import { runTapwatch, runTcpdump, tapwatchCommand } from './tools.mjs';

const DECODE_GOAL = 0.3; // read+decode >= 30% of tcpdump's packet rate on one core

export async function runDecodeMode(opts) {
  const notes = [];
  const { ctx, captures } = setUp(opts, notes);
  if (!ctx.tw.decodeOnly) {
    notes.push('this tapwatch build has no --decode-only: its "read+decode loop" is the whole pipeline');
  }
  const results = [];
  const rows = [];
  for (const cap of captures) {
    const { fileBytes, mb, scan } = scanCapture(cap);
    const runs = { tcpdump: [], tapwatch: [] };
    for (let i = 1; i <= opts.runs; i++) {
      // alternate the tools so slow drifts of the machine hit both alike
      const order = i % 2 ? ['tcpdump', 'tapwatch'] : ['tapwatch', 'tcpdump'];
      for (const tool of order) {
        const r = tool === 'tcpdump' ? await runTcpdump(cap.file, ctx) : await runTapwatch(cap.file, ctx, { decodeOnly: true });
        runs[tool].push(r);
        const extra = tool === 'tapwatch' ? `, in-loop ${r.loopSec.toFixed(3)} s` : '';
        console.log(`   run ${i}/${opts.runs} ${tool.padEnd(8)} ${r.wallSec.toFixed(3)} s wall${extra}`);
      }
    }
    cleanRunFiles();

    const tw = runs.tapwatch;
    const twPackets = tw[tw.length - 1].packets;
    const packets = scan.packets ?? twPackets;
    if (tw.some((r) => r.packets !== packets)) {
      notes.push(`${cap.name}: tapwatch reported ${tw.map((r) => r.packets).join('/')} packets, the file has ${packets}`);
    }
    const floor = rates(packets, mb, median(runs.tcpdump.map((r) => r.wallSec)));
    const twWall = rates(packets, mb, median(tw.map((r) => r.wallSec)));
    const twLoop = rates(twPackets, mb, median(tw.map((r) => r.loopSec)));
    const ratioWall = twWall.pps / floor.pps;
    const ratioLoop = twLoop.pps / floor.pps;
    rows.push(
      { capture: cap.name, measure: 'tcpdump -r -w /dev/null', packets, mb, ...floor, ratio: null, cpuSec: med(runs.tcpdump.map((r) => r.cpuSec)), peakRssMiB: maxOf(runs.tcpdump.map((r) => r.peakRssMiB)) },
      { capture: cap.name, measure: 'tapwatch replay (wall)', packets, mb, ...twWall, ratio: ratioWall, cpuSec: med(tw.map((r) => r.cpuSec)), peakRssMiB: maxOf(tw.map((r) => r.peakRssMiB)) },
      { capture: cap.name, measure: 'tapwatch read+decode loop', packets: twPackets, mb, ...twLoop, ratio: ratioLoop, cpuSec: null, peakRssMiB: null },
    );
    results.push({
      capture: cap.name,
      file: cap.file,
      fileBytes,
      packets,
      capturedBytes: scan.capturedBytes,
      meta: readMeta(cap),
      tcpdump: { medianWallSec: floor.sec, packetsPerSec: floor.pps, mbPerSec: floor.mbps, runs: runs.tcpdump },
      tapwatch: {
        medianWallSec: twWall.sec,
        wallPacketsPerSec: twWall.pps,
        wallMbPerSec: twWall.mbps,
        medianLoopSec: twLoop.sec,
        loopPacketsPerSec: twLoop.pps,
        loopMbPerSec: twLoop.mbps,
        peakRssMiB: maxOf(tw.map((r) => r.peakRssMiB)),
        runs: tw.map(({ stats: _stats, ...r }) => r),
        lastStats: tw[tw.length - 1].stats,
      },
      ratioLoop,
      ratioWall,
      meetsGoal: ratioLoop >= DECODE_GOAL,
    });
  }

  console.log('');
  printTable(
    ['capture', 'measure', 'packets', 'MB', 'median s', 'packets/s', 'MB/s', 'vs tcpdump', 'CPU s', 'peak RSS MiB'],
    [false, false, true, true, true, true, true, true, true, true],
    rows.map((r) => [
      r.capture, r.measure, fmtInt(r.packets), fmtNum(r.mb, 1), fmtNum(r.sec, 3), fmtInt(r.pps), fmtNum(r.mbps, 1),
      r.ratio === null ? '-' : `${(r.ratio * 100).toFixed(1)}%`, fmtNum(r.cpuSec, 2), fmtNum(r.peakRssMiB, 0),
    ]),
  );
  console.log('');
  for (const r of results) {
    console.log(`${r.capture}: tapwatch read+decode = ${(r.ratioLoop * 100).toFixed(1)}% of tcpdump's packet rate ` +
      `(${(r.ratioWall * 100).toFixed(1)}% counting Node start-up); goal >= ${DECODE_GOAL * 100}%: ${r.meetsGoal ? 'met' : 'NOT met'}`);
  }
  for (const n of notes) console.log(`note: ${n}`);

  const outFile = path.join(OUT, `results-${stamp()}.json`);
  const doc = {
    date: new Date().toISOString(),
    mode: 'decode-only',
    goal: { ratio: DECODE_GOAL, description: 'tapwatch read+decode packets/s >= 30% of tcpdump -r -w /dev/null packets/s, one core' },
    machine: machineInfo(),
    tapwatch: { revision: gitRevision(), command: tapwatchCommand(ctx) },
    options: { runs: opts.runs, pinnedCpu: ctx.pinCpu, timeTool: ctx.useTime ? TIME : null },
    notes,
    captures: results,
  };
  fs.writeFileSync(outFile, JSON.stringify(doc, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), outFile)}`);
  if (opts.check && results.some((r) => !r.meetsGoal)) process.exit(2);
}
