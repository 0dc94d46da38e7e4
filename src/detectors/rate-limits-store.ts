// The rate-limit detector's learned pairs in SQLite (table rate_limits, rate-limits-migrations.ts):
// changed pairs are upserted and forgotten ones deleted through a BatchWriter (one transaction per
// flush, kept for the next one when the disk refuses), read back at start most recent first up to
// the bound, and listed for `tapwatch limits`.
import type { Statement } from 'better-sqlite3';
import type { EndpointRef } from '../core/finding';
import type { BatchWriter, FlushResult } from '../store/batch-writer';
import type { Db } from '../store/database';
import type { BandLimit, PairLimits } from './rate-limits-pair';

/** A stored pair before it is decoded. */
export interface StoredPair {
  readonly identity: string;
  readonly endpoint: EndpointRef;
  readonly state: unknown;
}

/** One band's limit of one pair, as `tapwatch limits` lists it. */
export interface RateLimitRow extends BandLimit {
  readonly identity: string;
  readonly host: string;
  readonly method: string;
  readonly template: string;
  /** Packet time of the pair's last request. */
  readonly lastSeen: number;
}

interface Row {
  identity: string;
  host: string;
  method: string;
  template: string;
  last_seen: number;
  limits: string;
  state: string;
}

export class RateLimitStore {
  private readonly upsert: Statement;
  private readonly deleteRow: Statement;

  constructor(
    private readonly db: Db,
    private readonly writer: BatchWriter,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO rate_limits (identity, host, method, template, last_seen, limits, state) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (identity, host, method, template) DO UPDATE SET last_seen = excluded.last_seen, limits = excluded.limits, state = excluded.state`,
    );
    this.deleteRow = db.prepare('DELETE FROM rate_limits WHERE identity = ? AND host = ? AND method = ? AND template = ?');
  }

  /** Queues the pair as it now stands (serialised now, written at commit). */
  save(p: PairLimits): void {
    const limits = JSON.stringify(p.limits());
    const state = JSON.stringify(p.toState());
    const { identity, last } = p;
    const { host, method, template } = p.endpoint;
    const upsert = this.upsert;
    this.writer.enqueue(() => upsert.run(identity, host, method, template, last, limits, state));
  }

  remove(identity: string, endpoint: EndpointRef): void {
    const del = this.deleteRow;
    const { host, method, template } = endpoint;
    this.writer.enqueue(() => del.run(identity, host, method, template));
  }

  commit(): FlushResult {
    return this.writer.flush();
  }

  /** The stored pairs, most recently active first, at most `limit`. */
  load(limit: number): StoredPair[] {
    const rows = this.db.prepare('SELECT identity, host, method, template, state FROM rate_limits ORDER BY last_seen DESC, identity, host, method, template LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({ identity: r.identity, endpoint: { host: r.host, method: r.method, template: r.template }, state: parseJson(r.state) }));
  }

  /** Deletes the rows beyond the `limit` most recent (a bound lowered, or deletions dropped); returns how many. */
  trim(limit: number): number {
    return this.db
      .prepare(
        `DELETE FROM rate_limits WHERE rowid NOT IN (SELECT rowid FROM rate_limits ORDER BY last_seen DESC, identity, host, method, template LIMIT ?)`,
      )
      .run(limit).changes;
  }
}

/** Every stored band limit with at least `minConfidence`, by identity, endpoint and band (the pooled one last). */
export function listRateLimits(db: Db, minConfidence = 0): RateLimitRow[] {
  const rows = db.prepare('SELECT identity, host, method, template, last_seen, limits FROM rate_limits ORDER BY identity, host, template, method').all() as Omit<Row, 'state'>[];
  const out: RateLimitRow[] = [];
  for (const r of rows) {
    const limits = parseJson(r.limits);
    if (!Array.isArray(limits)) continue;
    for (const l of limits as unknown[]) {
      if (!isBandLimit(l) || l.confidence < minConfidence) continue;
      out.push({ identity: r.identity, host: r.host, method: r.method, template: r.template, ...l, lastSeen: r.last_seen });
    }
  }
  return out;
}

function isBandLimit(v: unknown): v is BandLimit {
  if (v === null || typeof v !== 'object') return false;
  const l = v as Record<string, unknown>;
  return typeof l['band'] === 'string' && typeof l['limitPerMinute'] === 'number' && typeof l['confidence'] === 'number' && typeof l['peaks'] === 'number' && typeof l['p99PeakPerMinute'] === 'number';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
