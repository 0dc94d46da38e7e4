// HTTP mode (the default): Tapwatch's whole pipeline against Suricata single-thread and tshark, with
// tcpdump's read floor for scale; transaction counts checked against the ground truth.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMeta, scanCapture } from './captures.mjs';
import { groundTruth, versusTruth } from './ground-truth.mjs';
import { debVersion, gitRevision, hasCommand, machineInfo } from './host.mjs';
import { OUT, TIME } from './paths.mjs';
import { fmtInt, fmtNum, fmtRatio, maxOf, med, median, printTable, stamp } from './report.mjs';
import { setUp } from './setup.mjs';
import { cleanRunFiles } from './timed-run.mjs';
import { productCommand, runSuricata, runTapwatch, runTcpdump, runTshark, tapwatchCommand } from './tools.mjs';

const RSS_GOAL_MIB = 300; // HTTP mode: peak RSS under 300 MB
// Issue 11: the whole product at default settings (inventory on, every record printed) at least
// 1.2x Suricata single-thread tx/s.
const PRODUCT_GOAL_RATIO = 1.2;

const TOOL_LABEL = {
  tcpdump: 'tcpdump -r -w /dev/null',
  tapwatch: 'tapwatch replay (wall)',
  tapwatchLoop: 'tapwatch (in-loop)',
  product: 'tapwatch product (defaults)',
  baseline: 'baseline product (--baseline)',
  suricata: 'suricata --runmode single',
  tshark: 'tshark -Y http',
};

export async function runHttpMode(opts) {
  const notes = [];
  const { ctx, captures } = setUp(opts, notes);
  const tools = ['tcpdump', 'tapwatch', 'product'];
  if (opts.baseline !== null) tools.push('baseline');
  if (opts.suricata) {
    if (hasCommand('suricata')) tools.push('suricata');
    else notes.push('suricata not installed (bench/install-peers.sh): skipped');
  }
  let tsharkRuns = opts.tsharkRuns;
  if (tsharkRuns > 0 && !hasCommand('tshark')) {
    notes.push('tshark not installed (bench/install-peers.sh): skipped');
    tsharkRuns = 0;
  }
  if (!ctx.tw.noHttpRecords) {
    notes.push('this tapwatch build has no --no-http-records: its transaction lines were piped to the harness and counted, so JSON output is part of its time');
  }
  const runners = {
    tcpdump: runTcpdump,
    tapwatch: runTapwatch,
    product: (file, c) => runTapwatch(file, c, { product: true }),
    baseline: (file, c) => runTapwatch(file, c, { product: true, cli: opts.baseline }),
    suricata: runSuricata,
    tshark: runTshark,
  };

  const results = [];
  const body = [];
  const summaries = [];
  for (const cap of captures) {
    const { fileBytes, mb, scan } = scanCapture(cap);
    const meta = readMeta(cap);
    const truth = groundTruth(meta);
    const loadAvgBefore = os.loadavg()[0];
    console.log(`   ground truth: ${truth === null ? 'unknown (not made by make-capture.sh)' : `${truth.toLocaleString('en-US')} transactions (nginx access log)`}`);
    const runs = Object.fromEntries([...tools, 'tshark'].map((t) => [t, []]));
    for (let i = 1; i <= Math.max(opts.runs, tsharkRuns); i++) {
      // rotate the order so slow drifts of the machine hit every tool alike
      const order = i <= opts.runs ? tools.map((_, k) => tools[(k + i - 1) % tools.length]) : [];
      if (i <= tsharkRuns) order.splice(Math.min(1, order.length), 0, 'tshark');
      for (const tool of order) {
        const r = await runners[tool](cap.file, ctx);
        runs[tool].push(r);
        const n = tool === 'tshark' ? tsharkRuns : opts.runs;
        let extra = '';
        if (tool === 'tapwatch' || tool === 'product' || tool === 'baseline') extra = `, in-loop ${r.loopSec.toFixed(3)} s`;
        if (r.transactions !== undefined) extra += `, ${r.transactions === null ? 'no http stats' : `${r.transactions} tx (req ${r.requests}, resp ${r.responses})`}`;
        console.log(`   run ${i}/${n} ${tool.padEnd(8)} ${r.wallSec.toFixed(3)} s wall${r.peakRssMiB !== null ? `, ${r.peakRssMiB.toFixed(0)} MiB` : ''}${extra}`);
      }
    }
    cleanRunFiles();

    const packets = scan.packets ?? runs.tapwatch[runs.tapwatch.length - 1].packets;
    const tw = runs.tapwatch;
    if (tw.some((r) => r.packets !== packets)) {
      notes.push(`${cap.name}: tapwatch reported ${tw.map((r) => r.packets).join('/')} packets, the file has ${packets}`);
    }
    if (tw.some((r) => r.transactions === null)) {
      notes.push(`${cap.name}: tapwatch's stats record has no http.transactions (HTTP stage not in this build of dist/?)`);
    }
    // per tool: medians of the runs (peak RSS: the maximum); the counts of the last run
    const summary = {};
    for (const [tool, rs] of Object.entries(runs)) {
      if (rs.length === 0) continue;
      const last = rs[rs.length - 1];
      const sec = median(rs.map((r) => r.wallSec));
      const tx = last.transactions ?? null;
      const countsVary = rs.some((r) => r.transactions !== last.transactions || r.responses !== last.responses);
      if (countsVary) notes.push(`${cap.name}: ${tool}'s counts differ between runs: ${rs.map((r) => `${r.transactions}/${r.responses}`).join(' ')}`);
      summary[tool] = {
        runs: rs.length,
        medianWallSec: sec,
        cpuSec: med(rs.map((r) => r.cpuSec)),
        peakRssMiB: maxOf(rs.map((r) => r.peakRssMiB)),
        packetsPerSec: packets / sec,
        mbPerSec: mb / sec,
        transactions: tx,
        requests: last.requests ?? null,
        responses: last.responses ?? null,
        txPerSec: tx === null ? null : tx / sec,
        vsGroundTruth: tool === 'tcpdump' ? null : versusTruth(last, truth),
        runsDetail: rs.map(({ stats: _stats, ...r }) => r),
      };
      if (tool === 'tapwatch' || tool === 'product' || tool === 'baseline') {
        const loopSec = median(rs.map((r) => r.loopSec));
        Object.assign(summary[tool], {
          medianLoopSec: loopSec,
          loopPacketsPerSec: packets / loopSec,
          loopMbPerSec: mb / loopSec,
          loopTxPerSec: tx === null ? null : tx / loopSec,
          lastStats: last.stats,
        });
      }
    }
    for (const [tool, s] of Object.entries(summary)) {
      // tshark's own threads push CPU above wall when not pinned; below wall means the CPU was shared
      if (s.cpuSec !== null && s.medianWallSec > 1 && s.cpuSec < 0.85 * s.medianWallSec) {
        notes.push(`${cap.name}: ${tool} used the CPU ${((100 * s.cpuSec) / s.medianWallSec).toFixed(0)}% of its wall time: ` +
          'something else ran on that CPU, its timings are noisy (compare CPU s, or re-run on a quiet machine)');
      }
    }
    const t = summary.tapwatch;
    const ratio = (peer, t = summary.tapwatch) => {
      const p = summary[peer];
      if (!p || !t) return null;
      return {
        wallTime: t.medianWallSec / p.medianWallSec, // < 1: tapwatch takes less time
        txPerSec: t.txPerSec !== null && p.txPerSec ? t.txPerSec / p.txPerSec : null, // > 1: tapwatch is faster
        loopTxPerSec: t.loopTxPerSec !== null && p.txPerSec ? t.loopTxPerSec / p.txPerSec : null,
      };
    };
    const ratios = {
      suricata: ratio('suricata'),
      tshark: ratio('tshark'),
      productVsSuricata: ratio('suricata', summary.product),
      baselineVsSuricata: ratio('suricata', summary.baseline),
      productVsBaseline: ratio('baseline', summary.product),
    };
    const goals = {
      atLeastAsFastAsSuricata: ratios.suricata && ratios.suricata.txPerSec !== null ? ratios.suricata.txPerSec >= 1 : null,
      peakRssUnder300MB: t.peakRssMiB === null ? null : t.peakRssMiB < RSS_GOAL_MIB,
      transactionsMatchGroundTruth: truth === null || t.transactions === null ? null : t.vsGroundTruth === '=',
      productAtLeast1_2xSuricata: ratios.productVsSuricata && ratios.productVsSuricata.txPerSec !== null ? ratios.productVsSuricata.txPerSec >= PRODUCT_GOAL_RATIO : null,
    };
    summaries.push({ capture: cap.name, truth, t, ratios, goals });

    for (const tool of ['tcpdump', 'tapwatch', 'tapwatchLoop', 'product', 'baseline', 'suricata', 'tshark']) {
      const s = tool === 'tapwatchLoop' ? t : summary[tool];
      if (!s) continue;
      const loop = tool === 'tapwatchLoop';
      body.push([
        cap.name,
        TOOL_LABEL[tool],
        loop ? String(tw.length) : String(s.runs),
        fmtNum(loop ? s.medianLoopSec : s.medianWallSec, 3),
        loop ? '-' : fmtNum(s.cpuSec, 2),
        loop ? '-' : fmtNum(s.peakRssMiB, 0),
        fmtInt(loop ? s.loopPacketsPerSec : s.packetsPerSec),
        fmtNum(loop ? s.loopMbPerSec : s.mbPerSec, 1),
        fmtInt(loop ? s.loopTxPerSec : s.txPerSec),
        tool === 'tcpdump' ? '-' : fmtInt(s.transactions),
        tool === 'tcpdump' ? '-' : `${fmtInt(s.requests)}/${fmtInt(s.responses)}`,
        tool === 'tcpdump' || loop ? '' : s.vsGroundTruth,
      ]);
    }

    results.push({
      capture: cap.name,
      file: cap.file,
      fileBytes,
      packets,
      capturedBytes: scan.capturedBytes,
      meta,
      groundTruthTransactions: truth,
      loadAvg1mBefore: loadAvgBefore,
      tools: summary,
      ratios,
      goals,
    });
  }

  console.log('');
  printTable(
    ['capture', 'tool', 'runs', 'median s', 'CPU s', 'peak RSS MiB', 'packets/s', 'MB/s', 'tx/s', 'transactions', 'req/resp', 'vs nginx'],
    [false, false, true, true, true, true, true, true, true, true, true, false],
    body,
  );
  console.log('');
  const yn = (v) => (v === null ? 'n/a' : v ? 'met' : 'NOT met');
  for (const s of summaries) {
    const r = s.ratios;
    const peer = (name, x) => (x ? `tapwatch/${name}: wall time ${fmtRatio(x.wallTime)}, tx/s ${fmtRatio(x.txPerSec)} (in-loop tx/s ${fmtRatio(x.loopTxPerSec)})` : `${name}: not run`);
    console.log(`${s.capture}: ${peer('suricata', r.suricata)}; ${peer('tshark', r.tshark)}`);
    if (r.productVsSuricata) console.log(`  the product at defaults (inventory on, every record printed) / suricata: tx/s ${fmtRatio(r.productVsSuricata.txPerSec)}`);
    if (r.baselineVsSuricata) {
      console.log(`  the baseline product / suricata: tx/s ${fmtRatio(r.baselineVsSuricata.txPerSec)}; product / baseline: tx/s ${fmtRatio(r.productVsBaseline?.txPerSec ?? null)}`);
    }
    console.log(`  goals: tx/s >= suricata single-thread: ${yn(s.goals.atLeastAsFastAsSuricata)}` +
      ` | peak RSS ${fmtNum(s.t.peakRssMiB, 0)} MiB < ${RSS_GOAL_MIB}: ${yn(s.goals.peakRssUnder300MB)}` +
      ` | transactions ${fmtInt(s.t.transactions)} = nginx ${fmtInt(s.truth)}: ${yn(s.goals.transactionsMatchGroundTruth)}` +
      ` | product tx/s >= ${PRODUCT_GOAL_RATIO}x suricata: ${yn(s.goals.productAtLeast1_2xSuricata)}`);
  }
  for (const n of notes) console.log(`note: ${n}`);

  const outFile = path.join(OUT, `results-http-${stamp()}.json`);
  const doc = {
    date: new Date().toISOString(),
    mode: 'http',
    goals: {
      description: 'tapwatch tx/s >= suricata --runmode single tx/s on every capture (process wall time); peak RSS < 300 MB; transactions = nginx access-log count; the product at default settings >= 1.2x suricata tx/s',
      productRatio: PRODUCT_GOAL_RATIO,
      rssMiB: RSS_GOAL_MIB,
    },
    machine: { ...machineInfo(), suricata: debVersion('suricata'), tshark: debVersion('tshark') },
    commands: {
      tapwatch: tapwatchCommand(ctx),
      product: productCommand(),
      ...(opts.baseline !== null ? { baseline: productCommand(opts.baseline) } : {}),
      suricata: 'suricata -c bench/suricata-http.yaml -r FILE -l OUTDIR --runmode single -k none --disable-detection',
      tshark: `tshark -n -r FILE -d tcp.port==${opts.port},http -Y http -T fields -e http.request.method -e http.response.code`,
      tcpdump: 'tcpdump -r FILE -w /dev/null',
    },
    tapwatch: { revision: gitRevision() },
    options: { runs: opts.runs, tsharkRuns, pinnedCpu: ctx.pinCpu, timeTool: ctx.useTime ? TIME : null },
    notes,
    captures: results,
  };
  fs.writeFileSync(outFile, JSON.stringify(doc, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), outFile)}`);
  const failed = summaries.some((s) => Object.values(s.goals).some((g) => g === false || g === null));
  if (opts.check && failed) process.exit(2);
}
