// The sensor's local HTTP port (DESIGN §7): Prometheus /metrics, /healthz (the process answers),
// /readyz (capture open, stages up, event loop responsive), and the alert API for analysts:
// GET /alerts and POST /alerts/{id}/feedback. Listens only where configured (127.0.0.1 by default),
// bounds request bodies and time, and answers garbage with a 4xx instead of failing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { AlertStore } from '../alerting/store';
import { UnknownAlertError } from '../alerting/store';
import { SEVERITIES, type Severity } from '../alerting/types';
import type { MirrorWarning } from './mirror-health';
import type { ApiConfig } from './config';
import type { SensorMetrics } from './metrics';

/** What /readyz judges; the daemon fills it in from its live state. */
export interface ReadinessState {
  captureOpen: boolean;
  stagesUp: boolean;
  /** Extra reasons the daemon is not ready (e.g. reconnecting to an interface that went down). */
  reasons?: readonly string[];
}

export interface HttpApiDeps {
  readonly metrics: SensorMetrics;
  readonly readiness: () => ReadinessState;
  /** The alert store now in use; null while there is none (the alert routes answer 503). */
  readonly alerts: () => AlertStore | null;
  readonly mirror?: { readonly warnings: readonly MirrorWarning[] };
  /** Errors the API could not answer cleanly (logged by the daemon). */
  readonly onError?: (err: Error) => void;
}

export interface HttpApi {
  /** Where it listens (the real port when configured with 0). */
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

const feedbackSchema = z
  .object({
    verdict: z.enum(['false-positive', 'true-positive']),
    note: z.string().max(4096).default(''),
    suppress: z.boolean().default(false),
    suppressForSec: z.number().positive().max(10 * 365 * 24 * 3600).optional(),
    by: z.string().min(1).max(256).optional(),
  })
  .strict();

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const startedAt = Date.now();

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Reads the body up to `max` bytes; more is a 413 (the rest is not read). */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new HttpError(413, `request body larger than ${max} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.pause();
        reject(new HttpError(413, `request body larger than ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `since`: seconds since the epoch, or an ISO 8601 time. */
function parseSince(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new HttpError(400, 'since: expected seconds since the epoch or an ISO 8601 time');
  return ms / 1000;
}

function issueMessage(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

export function startHttpApi(config: Readonly<ApiConfig>, deps: HttpApiDeps): Promise<HttpApi> {
  const routeAlerts = (url: URL): unknown => {
    const store = deps.alerts();
    if (!store) throw new HttpError(503, 'the alert store is not open');
    const q: { since?: number; severityAtLeast?: Severity; type?: string; limit: number } = { limit: Math.min(100, config.maxAlertsLimit) };
    for (const key of url.searchParams.keys()) {
      if (!['since', 'severity', 'type', 'limit'].includes(key)) throw new HttpError(400, `${key}: unknown parameter (since, severity, type, limit)`);
    }
    const since = url.searchParams.get('since');
    if (since !== null) q.since = parseSince(since);
    const severity = url.searchParams.get('severity');
    if (severity !== null) {
      if (!SEVERITIES.includes(severity as Severity)) throw new HttpError(400, `severity: expected one of ${SEVERITIES.join(', ')}`);
      q.severityAtLeast = severity as Severity;
    }
    const type = url.searchParams.get('type');
    if (type !== null) q.type = type;
    const limit = url.searchParams.get('limit');
    if (limit !== null) {
      const n = Number(limit);
      if (!/^\d+$/.test(limit) || n < 1 || n > config.maxAlertsLimit) throw new HttpError(400, `limit: expected an integer from 1 to ${config.maxAlertsLimit}`);
      q.limit = n;
    }
    const alerts = store.listAlerts(q);
    return { count: alerts.length, alerts };
  };

  const routeFeedback = async (req: http.IncomingMessage, id: string): Promise<unknown> => {
    const store = deps.alerts();
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'content-type: expected application/json');
    const body = await readBody(req, config.maxBodyBytes);
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'body: not valid JSON');
    }
    const parsed = feedbackSchema.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, issueMessage(parsed.error));
    if (!store) throw new HttpError(503, 'the alert store is not open');
    const f = parsed.data;
    if (f.suppressForSec !== undefined && !(f.verdict === 'false-positive' && f.suppress)) {
      throw new HttpError(400, 'suppressForSec: only with verdict false-positive and suppress true');
    }
    try {
      return store.recordFeedback(id, f.verdict, f.note, {
        suppress: f.suppress,
        ...(f.suppressForSec !== undefined ? { suppressForSec: f.suppressForSec } : {}),
        ...(f.by !== undefined ? { by: f.by } : {}),
      });
    } catch (err) {
      if (err instanceof UnknownAlertError || (err as { cause?: unknown }).cause instanceof UnknownAlertError) throw new HttpError(404, `no alert with id ${id}`);
      throw err;
    }
  };

  const readyz = (): { status: number; body: unknown } => {
    const state = deps.readiness();
    const lagMs = deps.metrics.lag.p99 * 1000;
    const reasons: string[] = [];
    if (!state.captureOpen) reasons.push('capture is not open');
    if (!state.stagesUp) reasons.push('the pipeline stages are not up');
    if (lagMs > config.readyMaxEventLoopLagMs) reasons.push(`event loop lag ${lagMs.toFixed(0)} ms is above ${config.readyMaxEventLoopLagMs} ms`);
    reasons.push(...(state.reasons ?? []));
    const ready = reasons.length === 0;
    return {
      status: ready ? 200 : 503,
      body: {
        status: ready ? 'ready' : 'not ready',
        reasons,
        checks: { captureOpen: state.captureOpen, stagesUp: state.stagesUp, eventLoopLagMs: Math.round(lagMs * 10) / 10 },
        // informational: a wrong mirror does not make the process unready
        mirrorWarnings: deps.mirror?.warnings ?? [],
      },
    };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new HttpError(400, 'bad request target');
    }
    const method = req.method ?? '';
    const path = url.pathname;
    const only = (allowed: string): void => {
      if (method !== allowed && !(allowed === 'GET' && method === 'HEAD')) throw new HttpError(405, `${path}: method ${method} not allowed (${allowed})`);
    };
    if (path === '/metrics') {
      only('GET');
      const text = await deps.metrics.text();
      res.writeHead(200, { 'content-type': deps.metrics.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : text);
      return;
    }
    if (path === '/healthz') {
      only('GET');
      sendJson(res, 200, { status: 'ok', pid: process.pid, uptimeSec: Math.round((Date.now() - startedAt) / 1000) });
      return;
    }
    if (path === '/readyz') {
      only('GET');
      const r = readyz();
      sendJson(res, r.status, r.body);
      return;
    }
    if (path === '/alerts') {
      only('GET');
      sendJson(res, 200, routeAlerts(url));
      return;
    }
    const feedback = /^\/alerts\/([^/]+)\/feedback$/.exec(path);
    if (feedback) {
      if (method !== 'POST') throw new HttpError(405, `${path}: method ${method} not allowed (POST)`);
      let id: string;
      try {
        id = decodeURIComponent(feedback[1]!);
      } catch {
        throw new HttpError(400, 'alert id: bad percent-encoding');
      }
      sendJson(res, 200, await routeFeedback(req, id));
      return;
    }
    throw new HttpError(404, `${path}: not found (/metrics, /healthz, /readyz, /alerts, /alerts/{id}/feedback)`);
  };

  const server = http.createServer({ requestTimeout: config.requestTimeoutMs, headersTimeout: Math.min(config.requestTimeoutMs, 60_000) }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!(err instanceof HttpError)) deps.onError?.(err as Error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const headers: Record<string, string> = {};
      // after an unread body the connection cannot carry another request
      if (status === 413 || status === 415) headers['connection'] = 'close';
      sendJson(res, status, { error: err instanceof HttpError ? err.message : 'internal error' }, headers);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // malformed requests (not HTTP, oversized headers): a bare 400 and close
    if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => {
      server.removeListener('error', reject);
      const addr = server.address() as AddressInfo;
      resolve({
        address: { host: addr.address, port: addr.port },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
