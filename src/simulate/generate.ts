// `tapwatch simulate`: plans a week (or D days) of a seed, sends it through real clients and a real
// server on 127.0.0.1, and writes the pcaps placed on the simulated clock with their labels.
import { mkdirSync } from 'node:fs';
import type { ScenarioLabels } from '../core/scenario-labels';
import { buildLabels, writeLabels } from './labels';
import { writePcaps, type PcapSummary } from './pcap/layout';
import { timeVisit } from './pcap/tcp-timeline';
import type { AttackRequest } from './plan/attacks';
import { buildSchedule } from './plan/schedule';
import { executeVisits } from './run/executor';

export interface SimulateOptions {
  readonly seed: number;
  readonly days: number;
  readonly users: number;
  readonly rate: number;
  readonly startUs: number;
  readonly out: string;
  readonly attacks: readonly AttackRequest[];
  /** Visits sent at once. */
  readonly concurrency: number;
  readonly progress?: (line: string) => void;
}

export interface SimulateResult {
  readonly labels: ScenarioLabels;
  readonly files: readonly PcapSummary[];
  readonly requests: number;
  /** Planned requests no client managed to send (0 on a healthy run). */
  readonly lost: number;
  readonly seconds: number;
}

export async function simulate(options: SimulateOptions): Promise<SimulateResult> {
  const began = Date.now();
  const say = options.progress ?? (() => undefined);
  const schedule = buildSchedule(options);
  const planned = schedule.visits.reduce((n, v) => n + v.requests.length, 0);
  say(`planned ${planned} requests in ${schedule.visits.length} visits by ${schedule.actors.length} actors, ${schedule.attacks.length} attacks`);
  mkdirSync(options.out, { recursive: true });
  let reported = 0;
  const recorded = await executeVisits(schedule.visits, {
    world: schedule.world, outages: schedule.outages, concurrency: options.concurrency,
    onProgress: (_visits, requests) => {
      if (requests - reported >= Math.max(2000, planned / 10)) {
        reported = requests;
        say(`sent ${requests} of ${planned} requests (${Math.round((Date.now() - began) / 1000)} s)`);
      }
    },
  });
  say('writing pcaps');
  const layout = writePcaps(recorded.flatMap(timeVisit), options.out, options.seed, options.startUs, options.startUs + options.days * 86_400_000_000);
  const labels = buildLabels(options.seed, schedule, layout);
  writeLabels(options.out, labels, layout.requests);
  return { labels, files: layout.files, requests: layout.requests.length, lost: planned - layout.requests.length, seconds: (Date.now() - began) / 1000 };
}
