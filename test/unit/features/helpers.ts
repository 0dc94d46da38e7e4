// Hand-made transactions and a features stage on a real SQLite file for the baseline tests. The
// context is filled as the identity and inventory stages would (identity, client IP, endpoint).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../src/core/counters';
import type { EndpointRef } from '../../../src/core/finding';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { featuresSchema, type FeaturesConfig } from '../../../src/features/config';
import { openFeaturesStage, type FeaturesStage, type FeaturesStageOptions } from '../../../src/features/stage';
import type { TransactionContext } from '../../../src/http/consumer';
import type { HttpTransaction } from '../../../src/http/types';
import { openDatabase, type Db } from '../../../src/store/database';

export const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-features-'));

/** Monday 2024-01-01 00:00:00 UTC: a week and hour boundary. */
export const MONDAY = 1_704_067_200;

export interface TxSpec {
  ts: number;
  identity?: string | null;
  clientIp?: string;
  method?: string;
  host?: string;
  path?: string;
  template?: string | null;
  status?: number;
  respBody?: unknown;
  respBodyLen?: number;
  respContentType?: string | null;
  reqBody?: unknown;
  reqContentType?: string | null;
  userAgent?: string | null;
  session?: string | null;
  /** The user a login attempt names, as the identity stage would set it (`user:alice`). */
  loginUser?: string | null;
  /** Query string (without `?`) and Authorization-derived credentials, for detectors that read them. */
  query?: string | null;
}

/** One transaction and the context the stages before the features stage would give it. */
export function call(s: TxSpec): { tx: HttpTransaction; ctx: TransactionContext } {
  const resp = s.respBody === undefined ? null : Buffer.from(typeof s.respBody === 'string' ? s.respBody : JSON.stringify(s.respBody));
  const req = s.reqBody === undefined ? null : Buffer.from(typeof s.reqBody === 'string' ? s.reqBody : JSON.stringify(s.reqBody));
  const clientIp = s.clientIp ?? '10.0.0.1';
  const method = s.method ?? 'GET';
  const host = s.host ?? 'api.example';
  const p = s.path ?? '/';
  const tx = {
    flowId: 'F1', txId: 1, client: `${clientIp}:40000`, server: '10.9.9.9:80', clientIp, clientPort: 40000, serverIp: '10.9.9.9', serverPort: 80, vlanIds: [], tunnels: [],
    ts: s.ts, respTs: s.ts + 0.001, method, host, uri: s.query ? `${p}?${s.query}` : p, path: p, query: s.query ?? null, version: '1.1', status: s.status ?? 200, statusMessage: 'OK',
    userAgent: s.userAgent === undefined ? 'test-agent/1.0' : s.userAgent, reqContentType: s.reqContentType ?? (req ? 'application/json' : null), contentEncoding: null, respContentEncoding: null,
    authorization: null, authJwtAlg: null, credentials: [], xForwardedFor: null, forwardedFor: null, cookieNames: [], headers: ['host'], respHeaders: [],
    respContentType: s.respContentType === undefined ? (resp ? 'application/json' : null) : s.respContentType,
    reqBodyLen: req?.length ?? 0, respBodyLen: s.respBodyLen ?? resp?.length ?? 0, reqBodyDeclared: req?.length ?? null, respBodyDeclared: resp?.length ?? null,
    reqBody: req, respBody: resp, completeness: 'full', upgrade: null, anomalies: [],
  } as HttpTransaction;
  const template = s.template === undefined ? p : s.template;
  const endpoint: EndpointRef | null = template === null ? null : endpointRef(host, method, template);
  return { tx, ctx: { endpoint, identity: s.identity === undefined ? `user:${clientIp}` : s.identity, clientIp, session: s.session ?? null, loginUser: s.loginUser ?? null } };
}

/** One EndpointRef object per endpoint, as the inventory hands out (the features stage caches by object). */
const refs = new Map<string, EndpointRef>();
export function endpointRef(host: string, method: string, template: string): EndpointRef {
  const key = `${method} ${host}${template}`;
  let ref = refs.get(key);
  if (!ref) {
    ref = { host, method, template };
    refs.set(key, ref);
  }
  return ref;
}

export function config(over: Record<string, unknown> = {}): FeaturesConfig {
  return featuresSchema.parse(over);
}

export interface OpenStage {
  stage: FeaturesStage;
  counters: Counters;
  db: Db | null;
  feed(specs: readonly TxSpec[]): void;
  close(now: number): void;
}

/** The stage on `file` (a real SQLite database in the test folder), or in memory when null. */
export function openStage(file: string | null, over: Record<string, unknown> = {}, extra: Partial<FeaturesStageOptions> = {}): OpenStage {
  const counters = new Counters();
  const db = file ? openDatabase(path.join(tmp, file), ALL_MIGRATIONS) : null;
  const stage = openFeaturesStage(config(over), counters, { db, dbFile: file ? path.join(tmp, file) : ':memory:', maxPendingWrites: 1_000_000, ...extra });
  return {
    stage,
    counters,
    db,
    feed(specs) {
      for (const s of specs) {
        const { tx, ctx } = call(s);
        stage.consumer.onTransaction(tx, ctx);
        stage.consumer.onTick?.(tx.ts);
        stage.consumer.flush?.(tx.ts);
      }
    },
    close(now) {
      stage.consumer.close?.(now);
      db?.close();
    },
  };
}
