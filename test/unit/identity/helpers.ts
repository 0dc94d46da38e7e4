// Real transactions for the identity tests: raw HTTP bytes through the real HTTP analyzer (with a
// known installation key, so a test computes the expected fingerprint itself with node:crypto), fed
// to a real IdentityStage, in memory or on a real SQLite file.
import { createHmac } from 'node:crypto';
import { Counters } from '../../../src/core/counters';
import { HttpAnalyzer } from '../../../src/http/analyzer';
import { emptyContext, type TransactionContext } from '../../../src/http/consumer';
import type { HttpTransaction } from '../../../src/http/types';
import type { EndpointRef } from '../../../src/core/finding';
import { identitySchema, type IdentityConfig } from '../../../src/identity/config';
import { IdentityStage } from '../../../src/identity/stage';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { openDatabase, type Db } from '../../../src/store/database';
import { makeConfig, makeFlow } from '../../http-streams/harness';

export const KEY = Buffer.alloc(32, 7);

/** The fingerprint the HTTP stage gives `secret` under KEY, computed here independently. */
export function fingerprintOf(secret: string): string {
  return createHmac('sha256', KEY).update(secret, 'utf8').digest('hex').slice(0, 32);
}

let port = 40000;

/** One request/response exchange from `clientIp` at packet time `ts`, parsed by the real analyzer. */
export function httpTx(request: string, response: string, ts: number, clientIp = '10.0.0.1'): HttpTransaction {
  const txs: HttpTransaction[] = [];
  const analyzer = new HttpAnalyzer(makeConfig({}), new Counters(), (tx) => txs.push(tx), { installationKey: KEY });
  const flow = makeFlow({ id: `F${port}`, origIp: clientIp, origPort: port++ });
  const req = Buffer.from(request, 'latin1');
  const resp = Buffer.from(response, 'latin1');
  analyzer.onData(flow, 0, req, 0, req.length, 0, ts);
  analyzer.onData(flow, 1, resp, 0, resp.length, 0, ts + 0.01);
  analyzer.onEnd(flow, 0, 'fin', ts + 0.02);
  analyzer.onEnd(flow, 1, 'fin', ts + 0.02);
  analyzer.onClose(flow, 'fin', ts + 0.02);
  const tx = txs[0];
  if (txs.length !== 1 || tx === undefined) throw new Error(`expected one transaction, got ${txs.length}`);
  return tx;
}

/** A GET with extra header lines (each `Name: value`), answered 200 with a small JSON body. */
export function get(path: string, headers: string[], ts: number, clientIp = '10.0.0.1'): HttpTransaction {
  const head = [`GET ${path} HTTP/1.1`, 'Host: api.example', ...headers, '', ''].join('\r\n');
  return httpTx(head, 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}', ts, clientIp);
}

/** A POST with a body and extra headers, answered with `status` and an optional JSON body. */
export function post(
  path: string,
  body: string,
  contentType: string | null,
  ts: number,
  opts: { headers?: string[]; status?: number; respJson?: unknown; clientIp?: string; respHeaders?: string[] } = {},
): HttpTransaction {
  const head = [`POST ${path} HTTP/1.1`, 'Host: api.example', ...(contentType ? [`Content-Type: ${contentType}`] : []), `Content-Length: ${Buffer.byteLength(body)}`, ...(opts.headers ?? []), '', ''].join('\r\n');
  const respBody = opts.respJson === undefined ? '' : JSON.stringify(opts.respJson);
  const status = opts.status ?? 200;
  const extra = (opts.respHeaders ?? []).map((h) => `${h}\r\n`).join('');
  const resp = `HTTP/1.1 ${status} X\r\n${respBody ? 'Content-Type: application/json\r\n' : ''}${extra}Content-Length: ${Buffer.byteLength(respBody)}\r\n\r\n${respBody}`;
  return httpTx(head + body, resp, ts, opts.clientIp);
}

export interface StageRun {
  stage: IdentityStage;
  counters: Counters;
  /** Resolves one transaction (with the endpoint the inventory would have mapped) and returns a copy of the context. */
  feed(tx: HttpTransaction, endpoint?: EndpointRef): TransactionContext;
}

export function identityConfig(over: Record<string, unknown> = {}): IdentityConfig {
  return identitySchema.parse(over);
}

export function openStage(over: Record<string, unknown> = {}, db: { db: Db; file: string } | null = null, storeOver: { maxRowsPerFlush?: number } = {}): StageRun {
  const counters = new Counters();
  const stage = new IdentityStage(identityConfig(over), counters, {
    db: db?.db ?? null,
    dbFile: db?.file ?? ':memory:',
    maxRowsPerFlush: storeOver.maxRowsPerFlush ?? 1000,
    maxPendingWrites: 100000,
    installationKey: () => KEY,
  });
  const ctx = emptyContext();
  return {
    stage,
    counters,
    feed(tx, endpoint) {
      ctx.endpoint = null;
      ctx.identity = null;
      ctx.clientIp = null;
      ctx.session = null;
      ctx.loginUser = null;
      stage.resolve(tx, ctx);
      ctx.endpoint = endpoint ?? null;
      stage.noteEndpoint(tx, ctx);
      stage.tick(tx.ts);
      return { ...ctx };
    },
  };
}

export function openDb(file: string): { db: Db; file: string } {
  return { db: openDatabase(file, ALL_MIGRATIONS), file };
}

export function basic(user: string, password: string): string {
  return `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** An unsigned JWT with these claims (the sensor reads claims without verifying). */
export function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** A fresh stage fed these transactions in order. */
export function feedAll(items: readonly { tx: HttpTransaction; endpoint?: EndpointRef }[], over: Record<string, unknown> = {}): StageRun {
  const run = openStage(over);
  for (const item of items) run.feed(item.tx, item.endpoint);
  return run;
}
