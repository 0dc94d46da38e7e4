// Baselines in SQLite: changed rows are upserted and forgotten ones deleted through the BatchWriter
// (one transaction per flush, retried when the disk refuses); all of them are read back at start,
// most recent first and at most the configured bound per kind, so a restarted sensor continues
// where it stopped.
import type { Statement } from 'better-sqlite3';
import type { BatchWriter, FlushResult } from '../store/batch-writer';
import type { Db } from '../store/database';
import type { Baseline, BaselineKind } from './baseline';
import { decodeBaseline, decodeSession, encodeBaseline, encodeSession, sessionIdentity, type DecodeBounds } from './baseline-codec';
import { EndpointBaseline } from './endpoint-baseline';
import { PairBaseline } from './pair-baseline';
import type { IdentityBaseline } from './identity-baseline';
import { M_REQUESTS } from './metrics';
import type { FilterState, SeenFilter } from '../core/seen-filter';
import type { SessionState } from './session-state';

/** Rows of the stage's own filters (not baselines) carry this kind. */
const FILTER_KIND = 'filter';
/** Rows of open sessions. */
export const SESSION_KIND = 'session';

export interface BaselineRow {
  kind: BaselineKind;
  key: string;
  template: string | null;
  first_seen: number;
  last_seen: number;
  requests: number;
  state: string;
}

export class BaselineStore {
  private readonly upsert: Statement;
  private readonly deleteRow: Statement;

  constructor(
    private readonly db: Db,
    private readonly writer: BatchWriter,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO baselines (kind, key, template, first_seen, last_seen, requests, state) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, key) DO UPDATE SET template = excluded.template, first_seen = excluded.first_seen,
         last_seen = excluded.last_seen, requests = excluded.requests, state = excluded.state`,
    );
    this.deleteRow = db.prepare('DELETE FROM baselines WHERE kind = ? AND key = ?');
  }

  /** Queues the baseline as it now stands (serialised now, written at commit). */
  save(b: Baseline): void {
    const state = JSON.stringify(encodeBaseline(b));
    const template = b instanceof EndpointBaseline ? b.template : b instanceof PairBaseline ? templateOfEndpointKey(b.endpointKey) : null;
    const upsert = this.upsert;
    const { kind, key, first, last, requests } = b;
    this.writer.enqueue(() => upsert.run(kind, key, template, first, last, requests, state));
  }

  /** Queues an open session as it now stands. */
  saveSession(session: SessionState): void {
    const state = JSON.stringify(encodeSession(session));
    const upsert = this.upsert;
    const { key, start, last } = session;
    const requests = session.counts[M_REQUESTS] as number;
    this.writer.enqueue(() => upsert.run(SESSION_KIND, key, null, start, last, requests, state));
  }

  /** The stored open sessions whose identity `identityOf` knows, most recent first, at most `limit`; the others are deleted. */
  loadSessions(limit: number, identityOf: (key: string) => IdentityBaseline | undefined): SessionState[] {
    const rows = this.db.prepare('SELECT key, state FROM baselines WHERE kind = ? ORDER BY last_seen DESC, key').all(SESSION_KIND) as { key: string; state: string }[];
    const out: SessionState[] = [];
    for (const r of rows) {
      const s = parseState(r.state);
      const owner = s ? sessionIdentity(s) : null;
      const identity = owner === null ? undefined : identityOf(owner);
      if (s && identity && out.length < limit) out.push(decodeSession(r.key, s, identity));
      else this.remove(SESSION_KIND, r.key);
    }
    return out;
  }

  remove(kind: BaselineKind | typeof SESSION_KIND, key: string): void {
    const del = this.deleteRow;
    this.writer.enqueue(() => del.run(kind, key));
  }

  /** Queues a filter of the stage (the admission filter) under `name`. */
  saveFilter(name: string, f: SeenFilter): void {
    const state = JSON.stringify({ bits: Buffer.from(f.bits.buffer, f.bits.byteOffset, f.bits.byteLength).toString('base64'), current: f.current, added: f.added, total: f.total });
    const upsert = this.upsert;
    this.writer.enqueue(() => upsert.run(FILTER_KIND, name, null, 0, 0, f.total, state));
  }

  /** The filter stored under `name`, made by `make` (null: none stored, or stored with another size). */
  loadFilter(name: string, make: (state?: FilterState) => SeenFilter): SeenFilter | null {
    const row = this.db.prepare('SELECT state FROM baselines WHERE kind = ? AND key = ?').get(FILTER_KIND, name) as { state: string } | undefined;
    const s = row ? parseState(row.state) : null;
    if (!s || typeof s['bits'] !== 'string') return null;
    const bits = Buffer.from(s['bits'], 'base64');
    const fresh = make();
    if (bits.length !== fresh.bits.length) return null;
    fresh.bits.set(bits);
    return make({ bits: fresh.bits, current: s['current'] as number, added: s['added'] as number, total: s['total'] as number });
  }

  commit(): FlushResult {
    return this.writer.flush();
  }

  /** The stored baselines of `kind`, most recently active first, at most `limit`. */
  load(kind: BaselineKind, limit: number, bounds: DecodeBounds): Baseline[] {
    const rows = this.db.prepare('SELECT kind, key, state FROM baselines WHERE kind = ? ORDER BY last_seen DESC, key LIMIT ?').all(kind, limit) as Pick<BaselineRow, 'kind' | 'key' | 'state'>[];
    const out: Baseline[] = [];
    for (const r of rows) {
      const b = parseState(r.state);
      const baseline = b ? decodeBaseline(kind, r.key, b, bounds) : null;
      if (baseline) out.push(baseline);
    }
    return out;
  }

  /** Rows beyond `limit` of a kind (a bound lowered since they were written): deleted now. */
  trim(kind: BaselineKind, limit: number): number {
    const res = this.db
      .prepare('DELETE FROM baselines WHERE kind = ? AND key NOT IN (SELECT key FROM baselines WHERE kind = ? ORDER BY last_seen DESC, key LIMIT ?)')
      .run(kind, kind, limit);
    return res.changes;
  }
}

/** The template part of `GET host/path/{id}`: from the first '/' after the method and host. */
export function templateOfEndpointKey(key: string): string | null {
  const space = key.indexOf(' ');
  const slash = key.indexOf('/', space + 1);
  return slash < 0 ? null : key.slice(slash);
}

function parseState(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface FoundBaselines {
  baselines: Baseline[];
  /** For an identity: its pairs with the most requests (endpoint key, requests). */
  topEndpoints: Map<string, { endpoint: string; requests: number }[]>;
}

/** How many of an identity's endpoints `findBaselines` lists. */
const TOP_ENDPOINTS = 8;

/**
 * The stored baselines `what` names: an identity (`user:alice`), a client IP (and its `ip:` identity),
 * an endpoint key (`GET api.example.com/users/{id}`), `METHOD TEMPLATE`, or a template (every host and method).
 */
export function findBaselines(db: Db, what: string, bounds: DecodeBounds): FoundBaselines {
  type Row = { kind: BaselineKind; key: string; state: string };
  const rows: Row[] = [];
  const select = 'SELECT kind, key, state FROM baselines';
  rows.push(...(db.prepare(`${select} WHERE key = ? AND kind IN ('identity', 'ip', 'endpoint') ORDER BY kind`).all(what) as Row[]));
  if (!what.includes(':') || /^[0-9a-f:.]+$/i.test(what)) rows.push(...(db.prepare(`${select} WHERE kind = 'identity' AND key = ?`).all(`ip:${what}`) as Row[]));
  const methodTemplate = /^([A-Z]+)\s+(\/\S*)$/.exec(what);
  if (methodTemplate) {
    rows.push(...(db.prepare(`${select} WHERE kind = 'endpoint' AND template = ? AND key LIKE ? ORDER BY key`).all(methodTemplate[2], `${methodTemplate[1]} %`) as Row[]));
  } else if (what.startsWith('/')) {
    rows.push(...(db.prepare(`${select} WHERE kind = 'endpoint' AND template = ? ORDER BY key`).all(what) as Row[]));
  }
  const baselines: Baseline[] = [];
  const topEndpoints = new Map<string, { endpoint: string; requests: number }[]>();
  const topOf = db.prepare("SELECT key, requests FROM baselines WHERE kind = 'pair' AND key >= ? AND key < ? ORDER BY requests DESC, key LIMIT ?");
  for (const r of rows) {
    const state = parseState(r.state);
    const b = state ? decodeBaseline(r.kind, r.key, state, bounds) : null;
    if (!b) continue;
    baselines.push(b);
    if (r.kind === 'identity') {
      const pairs = topOf.all(`${r.key}\n`, `${r.key}\u000b`, TOP_ENDPOINTS) as { key: string; requests: number }[];
      topEndpoints.set(r.key, pairs.map((p) => ({ endpoint: p.key.slice(r.key.length + 1), requests: p.requests })));
    }
  }
  return { baselines, topEndpoints };
}

/** Up to `limit` stored identity, IP and endpoint keys containing `text` (for "did you mean"). */
export function similarKeys(db: Db, text: string, limit: number): string[] {
  const like = `%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  const rows = db
    .prepare("SELECT key FROM baselines WHERE kind IN ('identity', 'ip', 'endpoint') AND key LIKE ? ESCAPE '\\' ORDER BY requests DESC, key LIMIT ?")
    .all(like, limit) as { key: string }[];
  return rows.map((r) => r.key);
}

/** Stored baselines per kind (for "nothing stored yet"). */
export function countBaselines(db: Db): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM baselines WHERE kind IN ('identity', 'ip', 'endpoint', 'pair')").get() as { n: number }).n;
}
