// Sessions: one identity's run of requests (for an `ip:` identity, one IP and user agent's) with
// gaps below `identity.sessionIdleSec` of packet time. A request after a longer gap starts a new one,
// so every decision is made on the request itself, never by a sweep. A session's id is a hash of its
// identity, user agent slot and start time: the same traffic gives the same ids in every replay and
// across a restart (each identity's latest sessions are written with it and continued at start).
// Sessions held are bounded: beyond `maxSessions` the least recently active are dropped, counted (the
// next request of their identity starts a new one).
import type { Counters } from '../core/counters';
import type { IdentityRecord } from './record';

export const C_SESSIONS_EVICTED = 'identity.sessions.evicted';
export const C_SESSIONS_STARTED = 'identity.sessions.started';
/** Share of held sessions dropped at once when the bound is hit (so the sort is paid rarely). */
const EVICT_FRACTION = 1 / 16;

export interface Session {
  readonly id: string;
  readonly started: number;
  lastSeen: number;
  requests: number;
  /** '' for a named identity; the user agent ('' without one) for an `ip:` identity. */
  readonly slot: string;
  readonly record: IdentityRecord;
}

const startBits = new Float64Array(1);
const startWords = new Uint32Array(startBits.buffer);

/**
 * `s-` and 16 hex characters from the identity, its slot and the start time: two 32-bit FNV-1a
 * hashes with different seeds, in one pass (a new session per new identity must stay cheap).
 */
export function sessionId(identity: string, slot: string, started: number): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < identity.length; i++) {
    const c = identity.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  a = Math.imul(a ^ 0x0a, 0x01000193);
  b = Math.imul(b ^ 0x0a, 0x01000193);
  for (let i = 0; i < slot.length; i++) {
    const c = slot.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  startBits[0] = started;
  for (let w = 0; w < 2; w++) {
    const word = startWords[w] ?? 0;
    a = Math.imul(a ^ word, 0x01000193);
    b = Math.imul(b ^ (word >>> 16) ^ (word << 16), 0x01000193);
  }
  return `s-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

export class Sessions {
  private readonly held = new Set<Session>();

  constructor(
    private readonly idleSec: number,
    private readonly maxSessions: number,
    private readonly counters: Counters,
  ) {}

  get size(): number {
    return this.held.size;
  }

  /**
   * The session of a request of `record` at `ts` (`slot`: see Session). Starts one after an idle gap;
   * a new session starts at `firstTs` instead when an earlier request of a just-admitted identity was
   * within the idle gap (so that request's session id, given before admission, stays the same).
   */
  touch(record: IdentityRecord, slot: string, ts: number, firstTs = NaN): Session {
    let s = record.kind === 'ip' ? (record.sessionsByAgent?.get(slot) ?? null) : record.session;
    if (s !== null && ts - s.lastSeen > this.idleSec) {
      this.drop(s);
      s = null;
    }
    if (s === null) {
      if (this.held.size >= this.maxSessions) this.evict();
      const earlier = ts - firstTs <= this.idleSec;
      const started = earlier ? firstTs : ts;
      s = { id: sessionId(record.id, slot, started), started, lastSeen: ts, requests: earlier ? 1 : 0, slot, record };
      this.attach(s);
      record.sessions++;
      this.counters.inc(C_SESSIONS_STARTED);
    }
    if (ts > s.lastSeen) s.lastSeen = ts;
    s.requests++;
    return s;
  }

  /** The stored last sessions of a record loaded at start continue (if the next request comes in time). */
  restore(record: IdentityRecord): void {
    for (const o of record.storedSessions ?? []) {
      if (this.held.size >= this.maxSessions) break;
      this.attach({ id: o.id, started: o.started, lastSeen: o.lastSeen, requests: o.requests, slot: record.kind === 'ip' ? (o.userAgent ?? '') : '', record });
    }
    record.storedSessions = null;
  }

  /** A record leaves memory: its sessions are no longer held (they stay on it, to be written). */
  release(record: IdentityRecord): void {
    if (record.session !== null) this.held.delete(record.session);
    if (record.sessionsByAgent !== null) for (const s of record.sessionsByAgent.values()) this.held.delete(s);
  }

  /** A released record came back before it was written: its sessions are held again. */
  readopt(record: IdentityRecord): void {
    if (record.session !== null) this.held.add(record.session);
    if (record.sessionsByAgent !== null) for (const s of record.sessionsByAgent.values()) this.held.add(s);
  }

  private attach(s: Session): void {
    const r = s.record;
    if (r.kind === 'ip') (r.sessionsByAgent ??= new Map()).set(s.slot, s);
    else r.session = s;
    this.held.add(s);
  }

  private drop(s: Session): void {
    if (!this.held.delete(s)) return;
    const r = s.record;
    if (r.session === s) r.session = null;
    else if (r.sessionsByAgent?.get(s.slot) === s) r.sessionsByAgent.delete(s.slot);
  }

  private evict(): void {
    const oldest = [...this.held].sort((a, b) => a.lastSeen - b.lastSeen);
    const n = Math.max(1, Math.floor(this.held.size * EVICT_FRACTION));
    for (let i = 0; i < n; i++) {
      const s = oldest[i];
      if (s !== undefined) this.drop(s);
    }
    this.counters.inc(C_SESSIONS_EVICTED, n);
  }
}
