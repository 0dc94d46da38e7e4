// The real HTTP clients that send a visit's requests through its relay: node:http (the mobile app,
// services, scripts) and fetch/undici (browsers) are driven request by request; curl (cron jobs) and
// python3's urllib (scrapers) run a batch of requests in their own process.
import { execFile, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { API_HOST } from '../world/addresses';
import type { PlannedVisit, Request } from '../plan/types';
import { appHeaders } from './headers';

export interface DrivenClient {
  /** Sends one request and reads the whole answer. */
  send(req: Request): Promise<void>;
  close(): Promise<void>;
}

class RelayAgent extends http.Agent {
  constructor(private readonly relayPort: number) {
    super({ keepAlive: true, maxSockets: 1 });
  }

  override createConnection(_options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    const socket = net.connect(this.relayPort, '127.0.0.1');
    if (callback) {
      socket.once('connect', () => callback(null, socket));
      socket.once('error', (err) => callback(err, socket));
    }
    return socket;
  }
}

export function nodeHttpClient(visit: PlannedVisit, relayPort: number): DrivenClient {
  const agent = new RelayAgent(relayPort);
  return {
    send: (req) =>
      new Promise<void>((resolve, reject) => {
        const headers = appHeaders(visit, req);
        const body = req.body === null ? null : Buffer.from(req.body, 'utf8');
        if (body) headers['Content-Length'] = String(body.length);
        const r = http.request({ agent, host: API_HOST, port: 80, method: req.method, path: req.target, headers }, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve());
          res.on('error', reject);
        });
        r.on('error', reject);
        r.end(body ?? undefined);
      }),
    close: async () => agent.destroy(),
  };
}

interface DispatcherOptions {
  readonly keepAliveTimeout: number;
  readonly connect: (opts: unknown, cb: (err: Error | null, socket: net.Socket | null) => void) => net.Socket;
}
type DispatcherClass = new (options: DispatcherOptions) => { close(): Promise<void> };

/** fetch's own dispatcher class (undici's Agent, which Node bundles but does not export). */
let dispatcherClass: DispatcherClass | null = null;

/** Finds the dispatcher class with one fetch to `warmPort` (the API's own port, not recorded). */
export async function prepareFetch(warmPort: number): Promise<void> {
  if (dispatcherClass) return;
  const res = await fetch(`http://127.0.0.1:${warmPort}/health`);
  await res.arrayBuffer();
  const global = (globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.1')];
  if (typeof global !== 'object' || global === null) throw new Error('fetch has no global dispatcher to copy');
  dispatcherClass = global.constructor as unknown as DispatcherClass;
}

export function fetchClient(visit: PlannedVisit, relayPort: number): DrivenClient {
  if (!dispatcherClass) throw new Error('prepareFetch() first');
  const dispatcher = new dispatcherClass({
    keepAliveTimeout: 600_000,
    connect: (_opts, cb) => {
      const socket = net.connect(relayPort, '127.0.0.1');
      socket.once('connect', () => cb(null, socket));
      socket.once('error', (err) => cb(err, null));
      return socket;
    },
  });
  return {
    send: async (req) => {
      // `dispatcher` is undici's option, which fetch passes on: it connects to the relay
      const init: Record<string, unknown> = { method: req.method, headers: appHeaders(visit, req), dispatcher };
      if (req.body !== null) init['body'] = req.body;
      const res = await fetch(`http://${API_HOST}${req.target}`, init as RequestInit);
      await res.arrayBuffer();
    },
    close: () => dispatcher.close(),
  };
}

/** One curl process for a batch: requests on one connection, as `curl URL --next URL` does. */
export function runCurl(visit: PlannedVisit, relayPort: number, requests: readonly Request[]): Promise<void> {
  const args: string[] = [];
  for (const [i, req] of requests.entries()) {
    if (i > 0) args.push('--next');
    args.push('-s', '-g', '-o', '/dev/null', '--connect-to', `${API_HOST}:80:127.0.0.1:${relayPort}`, '-X', req.method);
    for (const [k, v] of Object.entries(appHeaders(visit, req))) args.push('-H', `${k}: ${v}`);
    if (req.body !== null) args.push('--data-binary', req.body);
    args.push(`http://${API_HOST}${req.target}`);
  }
  return new Promise((resolve, reject) => {
    execFile('curl', args, { timeout: 120_000 }, (err) => (err ? reject(new Error(`curl failed: ${err.message.split('\n')[0] ?? ''}`)) : resolve()));
  });
}

const URLLIB_SCRIPT = `
import json, sys, urllib.request, urllib.error
job = json.load(sys.stdin)
for r in job["requests"]:
    data = r["body"].encode("utf-8") if r["body"] is not None else None
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (job["port"], r["target"]), data=data, method=r["method"])
    req.add_header("Host", job["host"])
    for k, v in r["headers"].items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            res.read()
    except urllib.error.HTTPError as e:
        e.read()
    except (urllib.error.URLError, OSError) as e:
        print("request failed: %s" % e, file=sys.stderr)
`;

/** One python3 process for a batch: urllib opens a connection per request (it sends Connection: close). */
export function runUrllib(visit: PlannedVisit, relayPort: number, requests: readonly Request[]): Promise<void> {
  const job = { port: relayPort, host: API_HOST, requests: requests.map((r) => ({ method: r.method, target: r.target, body: r.body, headers: appHeaders(visit, r) })) };
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', URLLIB_SCRIPT], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`python3 urllib client failed: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`));
    });
    child.stdin.end(JSON.stringify(job));
  });
}
