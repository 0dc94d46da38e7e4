// Reads and writes endpoint rows. Writes go through the BatchWriter (one transaction per flush
// tick); an upsert merges a delta into the stored row so several replays grow the same map.
import { mergeSnapshots } from './classify/accumulator';
import type { DriftItem, OtherVersion } from './openapi/types';
import type { Db } from '../store/database';
import type { Statement } from 'better-sqlite3';
import type { BatchWriter, FlushResult } from '../store/batch-writer';

export interface EndpointRow {
  host: string;
  method: string;
  template: string;
  firstSeen: number;
  lastSeen: number;
  calls: number;
  specStatus: string;
  /** Learned statistics (JSON-serialisable). */
  stats: unknown;
  /** Why the endpoint is drift or zombie against the specs (null when documented, shadow or unknown). */
  specDetail?: SpecDetail | null;
}

export interface SpecDetail {
  drift: DriftItem[];
  zombie?: { reason: 'deprecated' | 'removed'; lastVersion?: string; removedIn?: string };
  /** Shadow: a spec operation under another API version than the spec's base path names. */
  otherVersion?: OtherVersion;
}

interface RawRow {
  host: string;
  method: string;
  template: string;
  first_seen: number;
  last_seen: number;
  calls: number;
  spec_status: string;
  stats: string;
  spec_detail: string | null;
}

export interface EndpointQuery {
  host?: string;
  specStatus?: string;
}

export class EndpointStore {
  // Prepared once: a flush writes every changed endpoint, and preparing per row cost as much as the writes.
  private readonly upsert: Statement;
  private readonly deleteRow: Statement;

  constructor(
    private readonly db: Db,
    private readonly writer: BatchWriter,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO endpoints (host, method, template, first_seen, last_seen, calls, spec_status, stats, spec_detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (host, method, template) DO UPDATE SET
         first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen),
         calls = excluded.calls, spec_status = excluded.spec_status, stats = excluded.stats, spec_detail = excluded.spec_detail`,
    );
    this.deleteRow = db.prepare('DELETE FROM endpoints WHERE host = ? AND method = ? AND template = ?');
  }

  /** Writes everything queued in one transaction (a failure keeps it queued for the next tick). */
  commit(): FlushResult {
    return this.writer.flush();
  }

  /** Queues the row as it now stands (the caller holds the merged state in memory). */
  save(row: EndpointRow): void {
    const stats = JSON.stringify(row.stats);
    const detail = row.specDetail ? JSON.stringify(row.specDetail) : null;
    const upsert = this.upsert;
    this.writer.enqueue(() => upsert.run(row.host, row.method, row.template, row.firstSeen, row.lastSeen, row.calls, row.specStatus, stats, detail));
  }

  /** Queues removal of rows folded into another template (after a merge). */
  remove(host: string, method: string, template: string): void {
    const del = this.deleteRow;
    this.writer.enqueue(() => del.run(host, method, template));
  }

  /**
   * Folds the row of `from` into `to` now (human corrections, outside the flush cycle): calls add up,
   * the time span widens, the learned stats merge as on a template merge in the inventory (the
   * sampling state starts afresh). Returns false when `from` has no row or already is `to`.
   */
  moveNow(from: { host: string; method: string; template: string }, to: { host: string; template: string }): boolean {
    // Approving a template the map already holds remaps it onto itself: folding it would add its calls twice.
    if (from.host === to.host && from.template === to.template) return false;
    const get = this.db.prepare('SELECT * FROM endpoints WHERE host = ? AND method = ? AND template = ?');
    const src = get.get(from.host, from.method, from.template) as RawRow | undefined;
    if (!src) return false;
    const dst = get.get(to.host, from.method, to.template) as RawRow | undefined;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM endpoints WHERE host = ? AND method = ? AND template = ?').run(from.host, from.method, from.template);
      const stats = dst ? JSON.stringify(mergeSnapshots(parseStats(dst.stats), parseStats(src.stats))) : src.stats;
      this.db
        .prepare(
          `INSERT INTO endpoints (host, method, template, first_seen, last_seen, calls, spec_status, stats) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (host, method, template) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen,
             calls = excluded.calls, spec_status = excluded.spec_status, stats = excluded.stats`,
        )
        .run(
          to.host,
          from.method,
          to.template,
          Math.min(src.first_seen, dst?.first_seen ?? Infinity),
          Math.max(src.last_seen, dst?.last_seen ?? -Infinity),
          src.calls + (dst?.calls ?? 0),
          dst?.spec_status ?? 'unknown',
          stats,
        );
    })();
    return true;
  }

  /** The newest packet time of any stored endpoint, null when the map is empty: the map's "now". */
  static newestLastSeen(db: Db): number | null {
    return (db.prepare('SELECT MAX(last_seen) AS t FROM endpoints').get() as { t: number | null }).t;
  }

  saveTemplaterState(state: unknown, now: number): void {
    const json = JSON.stringify(state);
    this.writer.enqueue((db) =>
      db.prepare('INSERT INTO templater_state (id, state, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at').run(json, now),
    );
  }

  loadTemplaterState(): unknown {
    const row = this.db.prepare('SELECT state FROM templater_state WHERE id = 1').get() as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as unknown) : null;
  }

  list(query: EndpointQuery = {}): EndpointRow[] {
    const where: string[] = [];
    const args: string[] = [];
    if (query.host !== undefined) {
      where.push('host = ?');
      args.push(query.host);
    }
    if (query.specStatus !== undefined) {
      where.push('spec_status = ?');
      args.push(query.specStatus);
    }
    const sql = `SELECT * FROM endpoints ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY host, template, method`;
    return (this.db.prepare(sql).all(...args) as RawRow[]).map((r) => ({
      host: r.host,
      method: r.method,
      template: r.template,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      calls: r.calls,
      specStatus: r.spec_status,
      stats: JSON.parse(r.stats) as unknown,
      specDetail: r.spec_detail ? (JSON.parse(r.spec_detail) as SpecDetail) : null,
    }));
  }
}

/** A stored stats column; damaged JSON reads as no statistics rather than failing the correction. */
function parseStats(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
