// The labels of a generated scenario (src/core/scenario-labels.ts): labels.json and the requests file.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCENARIO_LABELS_VERSION, scenarioLabelsSchema, type LabelledAttack, type RequestLabel, type ScenarioActor, type ScenarioLabels } from '../core/scenario-labels';
import type { Schedule } from './plan/schedule';
import type { Layout } from './pcap/layout';
import { API_SPEC_FILE } from './spec';

export const LABELS_FILE = 'labels.json';
export const REQUESTS_FILE = 'requests.jsonl';

function ipsBy(requests: readonly RequestLabel[], key: (r: RequestLabel) => string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of requests) {
    const k = key(r);
    let set = out.get(k);
    if (!set) out.set(k, (set = new Set()));
    set.add(r.client.slice(0, r.client.lastIndexOf(':')));
  }
  return out;
}

const sortedIps = (set: Set<string> | undefined): string[] => [...(set ?? [])].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

export function buildLabels(seed: number, schedule: Schedule, layout: Layout): ScenarioLabels {
  const byActor = ipsBy(layout.requests, (r) => r.actor);
  const byLabel = ipsBy(layout.requests, (r) => r.label);
  const actors: ScenarioActor[] = schedule.actors.map((a) => ({ ...a, ips: sortedIps(byActor.get(a.id)) }));
  const attacks: LabelledAttack[] = [];
  for (const a of schedule.attacks) {
    const mine = layout.requests.filter((r) => r.label === a.id);
    if (mine.length === 0) continue;
    attacks.push({
      id: a.id, type: a.type, actors: a.actors, ips: sortedIps(byLabel.get(a.id)), usernames: a.usernames,
      start: mine[0]?.ts ?? 0, end: mine[mine.length - 1]?.ts ?? 0, requests: mine.length, params: a.params,
    });
  }
  return scenarioLabelsSchema.parse({
    version: SCENARIO_LABELS_VERSION, seed, api: API_SPEC_FILE, start: layout.start, end: layout.end, pcaps: layout.files.map((f) => f.name),
    requestsFile: REQUESTS_FILE, actors, attacks, benignRequests: layout.requests.filter((r) => r.label === 'benign').length,
  });
}

export function writeLabels(dir: string, labels: ScenarioLabels, requests: readonly RequestLabel[]): void {
  writeFileSync(path.join(dir, LABELS_FILE), `${JSON.stringify(labels, null, 2)}\n`);
  writeFileSync(path.join(dir, REQUESTS_FILE), requests.map((r) => JSON.stringify(r)).join('\n') + (requests.length > 0 ? '\n' : ''));
}
