// Reads and writes the identity tables. Writes go through the BatchWriter (one transaction per flush
// tick, kept and retried while the disk refuses them); each queued write holds a snapshot of the row
// as it stood, so a retry writes the same thing. Reads happen at start and on flush only.
import type { Statement } from 'better-sqlite3';
import type { BatchWriter, FlushResult } from '../store/batch-writer';
import type { Db } from '../store/database';
import type { StoredBinding } from './bindings';
import type { StoredPathVerdict } from './login-paths';
import type { IdentityKind, IdentityRow, IdentitySourceKind, IdentityStats } from './types';

interface RawIdentity {
  id: string;
  kind: string;
  display: string;
  source: string;
  first_seen: number;
  last_seen: number;
  requests: number;
  stats: string;
}

function emptyStats(): IdentityStats {
  return {
    ips: [],
    ipsOverflow: 0,
    userAgents: [],
    userAgentsOverflow: 0,
    endpoints: [],
    endpointsOverflow: 0,
    hoursOfWeek: {},
    sources: {},
    tokenExpiry: null,
    expiredTokenRequests: 0,
    claims: null,
    sessions: 0,
    lastSessions: [],
  };
}

/** A stored stats column; damaged JSON reads as nothing learned rather than failing the run. */
function parseStats(text: string): IdentityStats {
  try {
    return { ...emptyStats(), ...(JSON.parse(text) as Partial<IdentityStats>) };
  } catch {
    return emptyStats();
  }
}

function rowOf(r: RawIdentity): IdentityRow {
  return {
    id: r.id,
    kind: r.kind as IdentityKind,
    display: r.display,
    source: r.source as IdentitySourceKind,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    requests: r.requests,
    stats: parseStats(r.stats),
  };
}

/** Every stored identity, most recently seen first (for `tapwatch identities`). */
export function listIdentities(db: Db): IdentityRow[] {
  return (db.prepare('SELECT * FROM identities ORDER BY last_seen DESC, id').all() as RawIdentity[]).map(rowOf);
}

export class IdentityStore {
  private readonly upsert: Statement;
  private readonly getOne: Statement;
  private readonly upsertBinding: Statement;
  private readonly deleteBinding: Statement;
  private readonly upsertPath: Statement;

  constructor(
    private readonly db: Db,
    private readonly writer: BatchWriter,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO identities (id, kind, display, source, first_seen, last_seen, requests, stats) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET display = excluded.display, source = excluded.source, first_seen = excluded.first_seen,
         last_seen = excluded.last_seen, requests = excluded.requests, stats = excluded.stats`,
    );
    this.getOne = db.prepare('SELECT * FROM identities WHERE id = ?');
    this.upsertBinding = db.prepare(
      `INSERT INTO identity_bindings (credential, identity, learned_at) VALUES (?, ?, ?)
       ON CONFLICT (credential) DO UPDATE SET identity = excluded.identity, learned_at = excluded.learned_at`,
    );
    this.deleteBinding = db.prepare('DELETE FROM identity_bindings WHERE credential = ?');
    this.upsertPath = db.prepare(
      `INSERT INTO identity_login_paths (key, probes, login, last_seen) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET probes = excluded.probes, login = excluded.login, last_seen = excluded.last_seen`,
    );
  }

  /** True when no identity is stored (then nothing needs folding in). */
  isEmpty(): boolean {
    return this.db.prepare('SELECT 1 FROM identities LIMIT 1').get() === undefined;
  }

  /** The identities still active at the newest stored time: seen within `idleSec` of it, newest first, at most `max` (a scan: once per start). */
  loadActive(idleSec: number, max: number): IdentityRow[] {
    const rows = this.db
      .prepare('SELECT * FROM identities WHERE last_seen >= (SELECT MAX(last_seen) FROM identities) - ? ORDER BY last_seen DESC, id LIMIT ?')
      .all(idleSec, max) as RawIdentity[];
    return rows.map(rowOf);
  }

  /** Ids of the `max` most recently seen stored identities (once per start: they are admitted at once when they return). */
  recentIds(max: number): string[] {
    return (this.db.prepare('SELECT id FROM identities ORDER BY last_seen DESC LIMIT ?').pluck().all(max) as string[]);
  }

  get(id: string): IdentityRow | null {
    const raw = this.getOne.get(id) as RawIdentity | undefined;
    return raw ? rowOf(raw) : null;
  }

  save(row: IdentityRow): void {
    const stats = JSON.stringify(row.stats);
    const upsert = this.upsert;
    this.writer.enqueue(() => upsert.run(row.id, row.kind, row.display, row.source, row.firstSeen, row.lastSeen, row.requests, stats));
  }

  /** The newest `max` bindings, oldest first. */
  loadBindings(max: number): StoredBinding[] {
    const rows = this.db.prepare('SELECT credential, identity, learned_at AS learnedAt FROM identity_bindings ORDER BY learned_at DESC, credential LIMIT ?').all(max) as StoredBinding[];
    return rows.reverse();
  }

  saveBinding(b: StoredBinding): void {
    const upsert = this.upsertBinding;
    this.writer.enqueue(() => upsert.run(b.credential, b.identity, b.learnedAt));
  }

  removeBinding(credential: string): void {
    const del = this.deleteBinding;
    this.writer.enqueue(() => del.run(credential));
  }

  /** The most recently seen `max` login-path verdicts. */
  loadPaths(max: number): StoredPathVerdict[] {
    const rows = this.db.prepare('SELECT key, probes, login, last_seen AS lastSeen FROM identity_login_paths ORDER BY last_seen DESC, key LIMIT ?').all(max) as {
      key: string;
      probes: number;
      login: number;
      lastSeen: number;
    }[];
    return rows.map((r) => ({ key: r.key, probes: r.probes, login: r.login !== 0, lastSeen: r.lastSeen }));
  }

  savePath(p: StoredPathVerdict): void {
    const upsert = this.upsertPath;
    this.writer.enqueue(() => upsert.run(p.key, p.probes, p.login ? 1 : 0, p.lastSeen));
  }

  /** First sightings written at the last clean stop, oldest first. */
  loadFirstSightings(max: number): { id: string; ts: number }[] {
    const text = this.db.prepare('SELECT entries FROM identity_first_sightings ORDER BY rowid DESC LIMIT 1').pluck().get() as string | undefined;
    if (text === undefined) return [];
    let entries: unknown;
    try {
      entries = JSON.parse(text);
    } catch {
      return []; // damaged: those keys wait for a second request again
    }
    if (!Array.isArray(entries)) return [];
    const out: { id: string; ts: number }[] = [];
    for (const e of entries.slice(-max) as unknown[]) {
      if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') out.push({ id: e[0], ts: e[1] });
    }
    return out;
  }

  /** Replaces the stored first sightings with `entries` (at a clean stop). */
  saveFirstSightings(entries: Iterable<[string, number]>): void {
    const text = JSON.stringify([...entries]);
    const clear = this.db.prepare('DELETE FROM identity_first_sightings');
    const insert = this.db.prepare('INSERT INTO identity_first_sightings (entries) VALUES (?)');
    this.writer.enqueue(() => {
      clear.run();
      insert.run(text);
    });
  }

  commit(): FlushResult {
    return this.writer.flush();
  }
}
