// Replays many captures through the built CLI pipeline (dist/cli/replay.js) and returns the HTTP
// records of each capture separately. Captures are spread over a few worker processes
// (replay-worker.mjs), each replaying its share one file at a time with a fresh pipeline per file,
// so records never mix between captures and Node starts only once per worker.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../helpers/paths';

const WORKER = path.join(REPO, 'test/pcap/ground-truth/replay-worker.mjs');
export const REPLAY_JS = path.join(REPO, 'dist/cli/replay.js');
export const hasBuild = existsSync(REPLAY_JS);

/** The fields of a `"type":"http"` record that the ground-truth tests read. */
export interface HttpRecord {
  ts: number;
  client: string;
  server: string;
  method: string | null;
  host: string | null;
  uri: string | null;
  version: string | null;
  status: number | null;
  reqBodyLen: number | null;
  respBodyLen: number | null;
  userAgent: string | null;
  reqContentType: string | null;
  respContentType: string | null;
  completeness: string;
  anomalies: string[];
}

export interface CaptureResult {
  http: HttpRecord[];
  /** `"type":"flow"` records (one per TCP flow when it closed). */
  flows: Record<string, unknown>[];
  /** Anomaly records and worker errors, for diagnostics. */
  errors: string[];
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function toHttpRecord(rec: Record<string, unknown>): HttpRecord {
  return {
    ts: num(rec['ts']) ?? 0,
    client: str(rec['client']) ?? '',
    server: str(rec['server']) ?? '',
    method: str(rec['method']),
    host: str(rec['host']),
    uri: str(rec['uri']),
    version: str(rec['version']),
    status: num(rec['status']),
    reqBodyLen: num(rec['reqBodyLen']),
    respBodyLen: num(rec['respBodyLen']),
    userAgent: str(rec['userAgent']),
    reqContentType: str(rec['reqContentType']),
    respContentType: str(rec['respContentType']),
    completeness: str(rec['completeness']) ?? '',
    anomalies: Array.isArray(rec['anomalies']) ? rec['anomalies'].filter((a): a is string => typeof a === 'string') : [],
  };
}

/** One replay: a capture, optionally with a config file (YAML, as `replay --config`). */
export interface ReplayJob {
  file: string;
  config?: string;
}

function runWorker(jobs: ReplayJob[], timeoutMs: number): Promise<CaptureResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, JSON.stringify(jobs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 64) err.push(b);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const results: CaptureResult[] = jobs.map(() => ({ http: [], flows: [], errors: [] }));
      let current: CaptureResult | undefined;
      let done = false;
      for (const line of Buffer.concat(out).toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          current?.errors.push(`unparsable line: ${line.slice(0, 200)}`);
          continue;
        }
        const type = rec['type'];
        if (type === '@file') {
          current = results[Number(rec['index'])];
        } else if (type === '@done') {
          done = true;
        } else if (type === '@error') {
          current?.errors.push(String(rec['message']));
        } else if (type === 'http') {
          current?.http.push(toHttpRecord(rec));
        } else if (type === 'flow') {
          current?.flows.push(rec);
        } else if (type === 'anomaly' && typeof rec['name'] === 'string' && rec['name'].startsWith('capture.')) {
          current?.errors.push(`${rec['name']}: ${String(rec['message'])}`);
        }
      }
      if (!done) {
        const stderr = Buffer.concat(err).toString('utf8').slice(0, 2000);
        reject(new Error(`replay worker exited (code ${code}) before finishing ${jobs.length} captures: ${stderr}`));
        return;
      }
      resolve(results);
    });
  });
}

/**
 * Runs every job and returns the results in job order. Jobs are spread over `workers` processes
 * by capture size so that the workers finish at about the same time.
 */
export async function replayJobs(jobs: ReplayJob[], workers = 2, timeoutMs = 170_000): Promise<CaptureResult[]> {
  const shares: { idx: number[]; bytes: number }[] = Array.from({ length: Math.max(1, workers) }, () => ({ idx: [], bytes: 0 }));
  const sized = jobs.map((j, i) => ({ i, size: statSync(j.file).size })).sort((a, b) => b.size - a.size);
  for (const { i, size } of sized) {
    const share = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    share.idx.push(i);
    share.bytes += size + 20_000; // per-file overhead dominates for small captures
  }
  const used = shares.filter((s) => s.idx.length > 0);
  const parts = await Promise.all(used.map((s) => runWorker(s.idx.map((i) => jobs[i]!), timeoutMs)));
  const results: CaptureResult[] = jobs.map(() => ({ http: [], flows: [], errors: ['no output for this capture'] }));
  used.forEach((s, w) => s.idx.forEach((i, k) => (results[i] = parts[w]![k]!)));
  return results;
}

/** Replays every file (absolute paths) with the default config; results keyed by the same path. */
export async function replayMany(files: string[], workers = 2, timeoutMs = 170_000): Promise<Map<string, CaptureResult>> {
  const unique = [...new Set(files)];
  const results = await replayJobs(unique.map((file) => ({ file })), workers, timeoutMs);
  return new Map(unique.map((f, i) => [f, results[i]!]));
}
