// The simulated API as a real node:http server on 127.0.0.1: routes crAPI's paths, authenticates,
// rate-limits and answers with the status codes a deployed API gives (including the 502s of a
// deploy and the odd 500), on the simulated clock the relay tells it about.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpDate } from '../clock';
import { PATHS } from '../spec';
import type { World } from '../world/types';
import { Authenticator, RateLimiter } from './auth';
import { communityRoutes } from './routes-community';
import { identityRoutes } from './routes-identity';
import type { Route } from './routes';
import { workshopRoutes } from './routes-workshop';
import { ApiStore } from './store';
import { fail, reply, type ApiResponse, type ContextLookup, type RequestContext } from './types';

/** Share of requests a healthy API still answers 500. */
const SERVER_ERROR_RATE = 0.0015;
/** Failed logins one address may make in LOGIN_WINDOW_US before it gets 429. */
const LOGIN_FAILURES = 100;
const LOGIN_WINDOW_US = 10 * 60 * 1_000_000;
const GZIP_FROM_BYTES = 1400;

const BAD_GATEWAY = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export class ApiServer {
  private readonly server: http.Server;
  private readonly store: ApiStore;
  private readonly auth: Authenticator;
  private readonly routes: Route[];
  private readonly limiter = new RateLimiter(40, 80);
  private readonly loginFailures = new Map<string, number[]>();

  constructor(
    world: World,
    private readonly lookup: ContextLookup,
    private readonly outages: readonly (readonly [number, number])[],
  ) {
    this.store = new ApiStore(world);
    this.auth = new Authenticator(world, this.store);
    const deps = { store: this.store, world };
    this.routes = [...identityRoutes(deps), ...workshopRoutes(deps), ...communityRoutes(deps)];
    this.server = http.createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (req, res) => this.onRequest(req, res));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const ctx: RequestContext = this.lookup(req.socket.remotePort ?? 0) ?? { simUs: 0, clientIp: '0.0.0.0', creates: null, noise: 0.5 };
      const answer = this.answer(req, Buffer.concat(chunks).toString('utf8'), ctx);
      this.send(req, res, answer, ctx);
    });
  }

  private answer(req: http.IncomingMessage, rawBody: string, ctx: RequestContext): ApiResponse {
    if (this.outages.some(([s, e]) => ctx.simUs >= s && ctx.simUs <= e)) return reply(502, BAD_GATEWAY);
    const wait = this.limiter.take(ctx.clientIp, ctx.simUs);
    if (wait > 0) return fail(429, 'Too Many Requests', { 'Retry-After': String(wait) });
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    const method = req.method ?? 'GET';
    if (path === PATHS.health) return method === 'GET' ? reply(200, { status: 'UP' }) : fail(405, 'Method Not Allowed');
    let allowed = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        allowed = true;
        continue;
      }
      if (path === PATHS.login && this.loginBlocked(ctx)) return fail(429, 'Too many failed login attempts. Try again later.', { 'Retry-After': '600' });
      let principal = null;
      if (route.auth) {
        const who = this.auth.identify(req.headers, query, ctx.simUs);
        if ('status' in who) return who;
        principal = who;
      }
      let body: unknown;
      if (rawBody.length > 0) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          return fail(400, 'Malformed JSON request body');
        }
      }
      if (ctx.noise < SERVER_ERROR_RATE) return fail(500, 'Internal Server Error');
      const params = m.slice(1).map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
      const result = route.handle({ method, params, query, body, ctx, principal });
      if (path === PATHS.login && result.status === 401) this.noteLoginFailure(ctx);
      return result;
    }
    return allowed ? fail(405, 'Method Not Allowed') : fail(404, 'Not Found');
  }

  private loginBlocked(ctx: RequestContext): boolean {
    const recent = (this.loginFailures.get(ctx.clientIp) ?? []).filter((t) => t > ctx.simUs - LOGIN_WINDOW_US && t <= ctx.simUs);
    this.loginFailures.set(ctx.clientIp, recent);
    return recent.length >= LOGIN_FAILURES;
  }

  private noteLoginFailure(ctx: RequestContext): void {
    const list = this.loginFailures.get(ctx.clientIp) ?? [];
    list.push(ctx.simUs);
    this.loginFailures.set(ctx.clientIp, list);
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, answer: ApiResponse, ctx: RequestContext): void {
    const html = typeof answer.body === 'string';
    let payload = Buffer.from(html ? (answer.body as string) : JSON.stringify(answer.body), 'utf8');
    res.sendDate = false;
    res.statusCode = answer.status;
    res.setHeader('Server', 'nginx');
    res.setHeader('Date', httpDate(ctx.simUs));
    res.setHeader('Content-Type', html ? 'text/html' : 'application/json');
    if (!html) res.setHeader('X-Request-Id', createHash('sha1').update(`${ctx.simUs}:${ctx.clientIp}:${ctx.noise}`).digest('hex').slice(0, 32));
    for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
    const accepts = String(req.headers['accept-encoding'] ?? '');
    if (!html && payload.length >= GZIP_FROM_BYTES && /\bgzip\b/.test(accepts)) {
      payload = gzipSync(payload, { level: 6 });
      res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Vary', 'Accept-Encoding');
    }
    res.setHeader('Content-Length', payload.length);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }
}
