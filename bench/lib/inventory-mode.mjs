// --inventory: the endpoint inventory's share of end-to-end throughput: templating + learning alone
// (bench/inventory.mjs), and tapwatch replay with the inventory (and its SQLite file) on vs off.
import fs from 'node:fs';
import path from 'node:path';
import { scanCapture } from './captures.mjs';
import { gitRevision, machineInfo } from './host.mjs';
import { OUT } from './paths.mjs';
import { fmtInt, fmtNum, fmtRatio, onOffSide, stamp } from './report.mjs';
import { setUp } from './setup.mjs';
import { cleanRunFiles } from './timed-run.mjs';
import { runInventoryMicro, runTapwatch, tapwatchCommand } from './tools.mjs';

const INVENTORY_GOAL = 0.75; // end-to-end tx/s with the inventory on >= 75% of off (it costs < 25%)

export async function runInventoryMode(opts) {
  const notes = [];
  const { ctx, captures } = setUp(opts, notes);
  if (!ctx.tw.noInventory) {
    console.error('this tapwatch build has no --no-inventory: nothing to compare');
    process.exit(1);
  }
  const dbFile = path.join(OUT, '.run-inventory.db');
  const dropDb = () => {
    for (const sfx of ['', '-wal', '-shm']) fs.rmSync(dbFile + sfx, { force: true });
  };
  const results = [];
  for (const cap of captures) {
    const { mb, scan } = scanCapture(cap);
    const micro = runInventoryMicro(cap.file, ctx);
    for (const m of micro) {
      console.log(`   templating + learning alone, ${m.setting}: ${fmtInt(m.txPerSec)} tx/s (${m.usPerTx.toFixed(2)} µs/tx; ${m.analysed} of ${m.transactions} tx analysed, ${m.endpoints} endpoints)`);
    }
    const runs = { off: [], on: [] };
    for (let i = 1; i <= opts.runs; i++) {
      const order = i % 2 === 1 ? ['off', 'on'] : ['on', 'off'];
      for (const mode of order) {
        dropDb();
        const r = await runTapwatch(cap.file, ctx, { inventoryDb: mode === 'on' ? dbFile : null });
        runs[mode].push(r);
        const endpoints = r.stats.inventory?.endpoints;
        console.log(`   run ${i}/${opts.runs} inventory ${mode.padEnd(3)} ${r.wallSec.toFixed(3)} s wall, in-loop ${r.loopSec.toFixed(3)} s, ${r.transactions} tx${endpoints !== undefined ? `, ${endpoints} endpoints` : ''}`);
      }
    }
    dropDb();
    cleanRunFiles();
    const off = onOffSide(runs.off);
    const on = onOffSide(runs.on);
    const share = on.txPerSec / off.txPerSec;
    const loopShare = on.loopTxPerSec / off.loopTxPerSec;
    console.log(`   end to end: inventory off ${fmtInt(off.txPerSec)} tx/s, on ${fmtInt(on.txPerSec)} tx/s: on/off ${fmtRatio(share)} (in-loop ${fmtRatio(loopShare)}), peak RSS ${fmtNum(off.peakRssMiB, 0)} -> ${fmtNum(on.peakRssMiB, 0)} MiB`);
    results.push({ capture: cap.name, file: cap.file, mb, packets: scan.packets, micro, off, on, onOverOff: share, loopOnOverOff: loopShare, goalMet: share >= INVENTORY_GOAL });
  }
  console.log('');
  for (const r of results) {
    console.log(`${r.capture}: inventory costs ${(100 * (1 - r.onOverOff)).toFixed(1)}% of end-to-end tx/s (goal < ${Math.round(100 * (1 - INVENTORY_GOAL))}%): ${r.goalMet ? 'met' : 'NOT met'}`);
  }
  for (const n of notes) console.log(`note: ${n}`);
  const outFile = path.join(OUT, `results-inventory-${stamp()}.json`);
  fs.writeFileSync(outFile, JSON.stringify({
    date: new Date().toISOString(),
    mode: 'inventory',
    goal: `end-to-end tx/s with the inventory on (SQLite file, default sampling) >= ${INVENTORY_GOAL} x off, same machine, alternating runs`,
    machine: machineInfo(),
    commands: {
      off: `${tapwatchCommand(ctx)} (with --no-inventory)`,
      on: 'node dist/cli/main.js replay FILE --format jsonl --no-packets --no-http-records --db FILE.db',
      micro: 'node bench/inventory.mjs --capture FILE --json --runs 5',
    },
    tapwatch: { revision: gitRevision() },
    options: { runs: opts.runs, pinnedCpu: ctx.pinCpu },
    notes,
    captures: results,
  }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), outFile)}`);
  if (opts.check && results.some((r) => !r.goalMet)) process.exit(2);
}
