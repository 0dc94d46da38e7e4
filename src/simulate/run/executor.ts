// Sends the planned week through real clients, a recording relay per visit and the API server, all in
// this process on 127.0.0.1. Visits run side by side (a bounded number at once), except that one
// actor's visits (per lane) run in order, as a person's day does.
import { US_PER_SEC } from '../clock';
import type { PlannedVisit, Request } from '../plan/types';
import { ApiServer } from '../server/api-server';
import type { RequestContext } from '../server/types';
import type { World } from '../world/types';
import { fetchClient, nodeHttpClient, prepareFetch, runCurl, runUrllib } from './clients';
import { VisitRelay, type RecordedConnection, type UpstreamRegistry } from './relay';

/** A pause longer than this closes a keep-alive connection (the server's idle timeout, simulated). */
export const KEEPALIVE_IDLE_US = 15 * US_PER_SEC;

export interface RecordedVisit {
  readonly visit: PlannedVisit;
  readonly connections: readonly RecordedConnection[];
  /** Requests whose client failed before sending them. */
  readonly failures: number;
}

export interface ExecuteOptions {
  readonly world: World;
  readonly outages: readonly (readonly [number, number])[];
  readonly concurrency: number;
  readonly onProgress?: (visitsDone: number, requestsDone: number) => void;
}

/** Runs of requests that share connections: a long pause starts a new run. */
export function runsOf(visit: PlannedVisit): Request[][] {
  const runs: Request[][] = [];
  let run: Request[] = [];
  let last = -Infinity;
  for (const req of visit.requests) {
    if (run.length > 0 && req.at - last > KEEPALIVE_IDLE_US) {
      runs.push(run);
      run = [];
    }
    run.push(req);
    last = req.at;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A number in [0, 1) fixed for a request of a visit (the rare server error falls on it). */
function noiseOf(visit: number, request: number): number {
  let h = Math.imul(visit ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(request + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function contextOf(visit: PlannedVisit, request: number): RequestContext {
  const req = visit.requests[Math.min(Math.max(0, request), visit.requests.length - 1)];
  return { simUs: req?.at ?? 0, clientIp: visit.ip, creates: req?.creates ?? null, noise: noiseOf(visit.id, request) };
}

async function runVisit(visit: PlannedVisit, serverPort: number, registry: UpstreamRegistry): Promise<RecordedVisit> {
  const relay = new VisitRelay(serverPort, registry, (k) => contextOf(visit, k));
  const relayPort = await relay.listen();
  let failures = 0;
  try {
    const runs = runsOf(visit);
    if (visit.device.client === 'node-http' || visit.device.client === 'fetch') {
      const client = visit.device.client === 'fetch' ? fetchClient(visit, relayPort) : nodeHttpClient(visit, relayPort);
      let index = 0;
      for (const run of runs) {
        for (const req of run) {
          relay.current = index++;
          try {
            await client.send(req);
          } catch {
            failures++;
          }
        }
        await relay.closeIdle();
      }
      await client.close();
    } else {
      relay.current = null;
      // urllib opens a connection per request anyway, so one process serves the whole visit
      for (const run of visit.device.client === 'python-urllib' ? [visit.requests] : runs) {
        try {
          await (visit.device.client === 'curl' ? runCurl(visit, relayPort, run) : runUrllib(visit, relayPort, run));
        } catch {
          failures++;
        }
        await relay.closeIdle();
      }
    }
  } finally {
    await relay.close();
  }
  return { visit, connections: relay.connections, failures };
}

export async function executeVisits(visits: readonly PlannedVisit[], options: ExecuteOptions): Promise<RecordedVisit[]> {
  const registry: UpstreamRegistry = new Map();
  const server = new ApiServer(options.world, (port) => registry.get(port)?.(), options.outages);
  const port = await server.listen();
  const results: RecordedVisit[] = new Array<RecordedVisit>(visits.length);
  try {
    await prepareFetch(port);
    const chains = new Map<string, Promise<unknown>>();
    let next = 0;
    let done = 0;
    let requests = 0;
    const worker = async (): Promise<void> => {
      while (next < visits.length) {
        const i = next++;
        const visit = visits[i];
        if (!visit) continue;
        const key = `${visit.actor}|${visit.lane}`;
        const run = (chains.get(key) ?? Promise.resolve()).then(() => runVisit(visit, port, registry));
        chains.set(key, run.catch(() => undefined));
        results[i] = await run;
        done++;
        requests += visit.requests.length;
        options.onProgress?.(done, requests);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  } finally {
    await server.close();
  }
  return results;
}
