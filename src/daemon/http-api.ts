// The sensor's local HTTP port (DESIGN §7): Prometheus /metrics, /healthz (the process answers),
// /readyz (capture open, stages up, event loop responsive), and the alert API for analysts:
// GET /alerts, POST /alerts/{id}/feedback and the gateway feeds, GET /feeds/{name}. Listens only
// where configured (127.0.0.1 by default; elsewhere only over TLS), optionally also on a 0600 unix
// socket; every route but the health probes needs a token (api-auth.ts). Bounds request bodies and time, and answers garbage with a 4xx.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { UnknownAlertError, type AlertStore, type FeedbackResult } from '../alerting/store';
import { WideSuppressionError } from '../alerting/suppression';
import { SEVERITIES, type Severity } from '../alerting/types';
import type { MirrorWarning } from './mirror-health';
import { insecureListenReason, MAX_SOCKET_PATH_BYTES, type ApiConfig } from './config';
import type { SensorMetrics } from './metrics';
import type { Counters } from '../core/counters';
import type { AuditTrail } from '../audit/audit-trail';
import type { AuditEntry } from '../audit/types';
import type { ApiTokens } from './api-tokens';
import { ApiAuth, type Principal, type RouteAccess } from './api-auth';

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
  /** The token file (api-tokens.ts), re-read when it changes. */
  readonly tokens: ApiTokens;
  /** The sensor's counters: auth failures, rate limiting, evictions (shown on /metrics). */
  readonly counters: Counters;
  /** Runs an analyst action and stores and queues its audit record in one transaction (the audit trail). */
  readonly audited?: AuditTrail['audited'];
  /** The latest rendered gateway feed by name (GET /feeds/NAME); null for an unknown or disabled feed. */
  readonly feeds?: (name: string) => { contentType: string; text: string } | null;
}

export interface HttpApi {
  /** Where it listens (the real port when configured with 0). */
  readonly address: { host: string; port: number };
  /** https when api.tls is set. */
  readonly protocol: 'http' | 'https';
  /** The unix socket, when api.socket.path is set. */
  readonly socketPath: string | null;
  close(): Promise<void>;
}

const feedbackSchema = z
  .object({
    verdict: z.enum(['false-positive', 'true-positive']),
    note: z.string().max(4096).default(''),
    suppress: z.boolean().default(false),
    suppressForSec: z.number().positive().max(10 * 365 * 24 * 3600).optional(),
    by: z.string().min(1).max(256).optional(),
    allowWide: z.boolean().default(false),
  })
  .strict();

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** A configuration the API refuses to start with (an insecure listen address, unreadable TLS files). */
export class ApiStartError extends Error {
  override readonly name = 'ApiStartError';
  readonly code = 'API_START';
}

function readPem(key: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ApiStartError(`${key} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
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

  const routeFeedback = async (req: http.IncomingMessage, id: string, who: Principal): Promise<unknown> => {
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
    // the authenticated name is who gave it; a `by` in the body is only a claim
    const feedback = (): FeedbackResult =>
      store.recordFeedback(id, f.verdict, f.note, {
        suppress: f.suppress,
        ...(f.suppressForSec !== undefined ? { suppressForSec: f.suppressForSec } : {}),
        by: who.name,
        allowWide: f.allowWide,
      });
    const entryOf = (r: FeedbackResult): AuditEntry => ({
      actor: { kind: who.kind, name: who.name, address: who.address },
      action: 'alert.feedback',
      target: id,
      details: {
        verdict: f.verdict,
        note: f.note,
        suppression: r.suppression,
        ...(f.allowWide ? { allowWide: true } : {}),
        ...(f.by !== undefined ? { claimedBy: f.by } : {}),
      },
    });
    let result: FeedbackResult;
    try {
      // the verdict and its audit record in one transaction: neither is kept without the other
      result = deps.audited ? deps.audited(feedback, entryOf).result : feedback();
    } catch (err) {
      if (err instanceof UnknownAlertError || (err as { cause?: unknown }).cause instanceof UnknownAlertError) throw new HttpError(404, `no alert with id ${id}`);
      if (err instanceof WideSuppressionError) throw new HttpError(400, `alert ${id}: ${err.why}; nothing was recorded; send allowWide: true to suppress it anyway`);
      throw err;
    }
    return result;
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

  const auth = new ApiAuth(config.auth, deps.tokens, deps.counters);
  /** Unknown paths need a token too: probing for routes is not free. */
  const accessOf = (path: string): RouteAccess => {
    if (path === '/healthz' || path === '/readyz') return 'open';
    if (path === '/metrics') return config.metricsWithoutToken ? 'open' : 'read';
    if (/^\/alerts\/[^/]+\/feedback$/.test(path)) return 'admin';
    return 'read';
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, viaSocket: boolean): Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new HttpError(400, 'bad request target');
    }
    const method = req.method ?? '';
    const path = url.pathname;
    const need = accessOf(path);
    const checked = viaSocket ? auth.socket(config.socket.role, need) : auth.check(req.headers.authorization, req.socket.remoteAddress ?? '', need);
    if (!checked.ok) throw new HttpError(checked.status, checked.message, checked.headers);
    const who = checked.principal;
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
    const feedName = /^\/feeds\/([a-z0-9-]+)$/.exec(path);
    if (feedName) {
      only('GET');
      const feed = deps.feeds?.(feedName[1]!) ?? null;
      if (!feed) throw new HttpError(404, `${path}: no such feed, or it is disabled (response.feeds)`);
      res.writeHead(200, { 'content-type': feed.contentType, 'content-length': Buffer.byteLength(feed.text), 'cache-control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : feed.text);
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
      sendJson(res, 200, await routeFeedback(req, id, who!));
      return;
    }
    throw new HttpError(404, `${path}: not found (/metrics, /healthz, /readyz, /alerts, /alerts/{id}/feedback, /feeds/{name})`);
  };

  const listener =
    (viaSocket: boolean) =>
    (req: http.IncomingMessage, res: http.ServerResponse): void => {
      handle(req, res, viaSocket).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (!(err instanceof HttpError)) deps.onError?.(err as Error);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const headers: Record<string, string> = { ...(err instanceof HttpError ? err.headers : {}) };
        // after an unread body the connection cannot carry another request
        if (status === 413 || status === 415 || !req.complete) headers['connection'] = 'close';
        sendJson(res, status, { error: err instanceof HttpError ? err.message : 'internal error' }, headers);
      });
    };
  const onClientError = (err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void => {
    // malformed requests (not HTTP, oversized headers): a bare 400 and close
    if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  };
  const timeouts = { requestTimeout: config.requestTimeoutMs, headersTimeout: Math.min(config.requestTimeoutMs, 60_000) };

  // refused before anything listens: a token must never cross the network in clear text
  const insecure = insecureListenReason(config);
  if (insecure) return Promise.reject(new ApiStartError(`api.listen.host ${insecure}`));
  let server: http.Server;
  const tls = config.tls.certFile !== '';
  try {
    server = tls ? https.createServer({ ...timeouts, ...tlsOptions(config.tls) }, listener(false)) : http.createServer(timeouts, listener(false));
  } catch (err) {
    return Promise.reject(err instanceof ApiStartError ? err : new ApiStartError(`api.tls: cannot use the certificate and key: ${(err as Error).message}`));
  }
  server.on('clientError', onClientError);

  const listenTcp = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const closeServer = (s: http.Server): Promise<void> =>
    new Promise<void>((done) => {
      s.close(() => done());
      s.closeAllConnections();
    });

  return listenTcp.then(async () => {
    let socketServer: http.Server | null = null;
    if (config.socket.path !== '') {
      socketServer = http.createServer(timeouts, listener(true));
      socketServer.on('clientError', onClientError);
      try {
        await listenSocket(socketServer, config.socket.path);
      } catch (err) {
        await closeServer(server);
        throw err;
      }
    }
    const addr = server.address() as AddressInfo;
    return {
      address: { host: addr.address, port: addr.port },
      protocol: tls ? 'https' : 'http',
      socketPath: socketServer ? config.socket.path : null,
      close: async () => {
        await Promise.all([closeServer(server), socketServer ? closeServer(socketServer) : Promise.resolve()]);
      },
    } satisfies HttpApi;
  });
}

function tlsOptions(tls: ApiConfig['tls']): https.ServerOptions {
  const options: https.ServerOptions = { cert: readPem('api.tls.certFile', tls.certFile), key: readPem('api.tls.keyFile', tls.keyFile), minVersion: 'TLSv1.2' };
  if (tls.clientCaFile !== '') {
    // mutual TLS: the handshake fails without a certificate this CA signed; the token is still needed
    options.ca = readPem('api.tls.clientCaFile', tls.clientCaFile);
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  return options;
}

/** Listens on a unix socket only its owner can use: a stale file goes, the mode is 0600 from the start. */
async function listenSocket(server: http.Server, file: string): Promise<void> {
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH_BYTES) throw new ApiStartError(`api.socket.path ${file} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, the limit of a unix socket path; choose a shorter one`);
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ApiStartError(`api.socket.path ${file}: ${(err as Error).message}`);
  }
  if (st) {
    if (!st.isSocket()) throw new ApiStartError(`api.socket.path ${file} exists and is not a socket; remove it or choose another path`);
    fs.rmSync(file, { force: true });
  }
  // the umask covers the moment between bind and chmod; bind happens inside listen()
  // (synchronously), so the umask is put back before anything else runs
  const old = process.umask(0o177);
  let listening: Promise<void>;
  try {
    listening = new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(file, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(old);
  }
  try {
    await listening;
  } catch (err) {
    throw new ApiStartError(`api.socket.path ${file}: cannot listen (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  fs.chmodSync(file, 0o600);
}
