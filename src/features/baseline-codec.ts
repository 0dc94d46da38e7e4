// Baselines to and from the JSON stored in SQLite: every number and typed array exactly (arrays as
// base64 of their bytes, doubles as JSON numbers, which round-trip), so a restarted sensor continues
// from the very state it stopped in and `replay A; replay B` equals `replay A B`. A state written with
// other sizes (a changed `historyWindows` or `idsSeenBits`) restores what fits and starts the rest afresh.
import type { Baseline, BaselineKind } from './baseline';
import { BoundedTally, type TallyState } from './bounded-tally';
import { EndpointBaseline } from './endpoint-baseline';
import { hashString } from '../core/hashing';
import { IdentityBaseline, type IdentityBounds } from './identity-baseline';
import { IpBaseline } from './ip-baseline';
import { PairBaseline } from './pair-baseline';
import { SeenFilter } from '../core/seen-filter';
import { SessionState } from './session-state';
import type { WindowCounts, WindowHistory } from './window-counts';

/** Bump when the stored form changes incompatibly (older rows are then ignored). */
export const BASELINE_STATE_VERSION = 1;

type TypedArray = Float64Array | Float32Array | Uint8Array | Uint16Array;
/** start (null before the first count), peak, peakStart; the counts are stored with the baseline's. */
type WindowState = [number | null, number, number];
type HistoryState = [number, number, string];

function b64(a: TypedArray): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Copies base64 `text` into `into` when the sizes agree; false (and `into` untouched) when not. */
function unb64(text: unknown, into: TypedArray): boolean {
  if (typeof text !== 'string') return false;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== into.byteLength) return false;
  new Uint8Array(into.buffer, into.byteOffset, into.byteLength).set(bytes);
  return true;
}

function windowState(w: WindowCounts): WindowState {
  return [Number.isFinite(w.start) ? w.start : null, w.peak, w.peakStart];
}

function restoreWindow(w: WindowCounts | null, s: unknown): void {
  if (w === null || !Array.isArray(s)) return;
  const [start, peak, peakStart] = s as WindowState;
  w.start = typeof start === 'number' ? start : -Infinity;
  w.peak = peak;
  w.peakStart = peakStart;
}

function historyState(h: WindowHistory): HistoryState {
  return [h.pos, h.count, b64(h.values)];
}

function restoreHistory(h: WindowHistory | null, s: unknown): void {
  if (h === null || !Array.isArray(s)) return;
  const [pos, count, values] = s as HistoryState;
  if (count === 0) return;
  const rows = new Float32Array(h.size * h.width);
  if (!unb64(values, rows)) return;
  h.values = rows;
  h.pos = pos;
  h.count = count;
}

type Json = Record<string, unknown>;

function common(b: Baseline): Json {
  return {
    v: BASELINE_STATE_VERSION,
    first: b.first,
    last: b.last,
    requests: b.requests,
    counts: b64(b.counts),
    minute: windowState(b.minute),
    ten: b.tenMinutes ? windowState(b.tenMinutes) : null,
    hour: windowState(b.hour),
    minuteHistory: historyState(b.minuteHistory),
    tenHistory: b.tenMinuteHistory ? historyState(b.tenMinuteHistory) : null,
    hourHistory: historyState(b.hourHistory),
    sketches: b64(b.sketches),
  };
}

function restoreCommon(b: Baseline, s: Json): void {
  b.first = s['first'] as number;
  b.last = s['last'] as number;
  b.requests = s['requests'] as number;
  unb64(s['counts'], b.counts);
  restoreWindow(b.minute, s['minute']);
  restoreWindow(b.tenMinutes, s['ten']);
  restoreWindow(b.hour, s['hour']);
  restoreHistory(b.minuteHistory, s['minuteHistory']);
  restoreHistory(b.tenMinuteHistory, s['tenHistory']);
  restoreHistory(b.hourHistory, s['hourHistory']);
  unb64(s['sketches'], b.sketches);
}

/** The JSON-ready state of a baseline. */
export function encodeBaseline(b: Baseline): Json {
  const s = common(b);
  if (b instanceof IdentityBaseline) {
    Object.assign(s, {
      think: b64(b.think),
      ips: b.ips.state(),
      userAgents: b.userAgents.state(),
      asns: b.asns?.state() ?? null,
      seen: b.seen ? { bits: b64(b.seen.bits), current: b.seen.current, added: b.seen.added, total: b.seen.total } : null,
      readTokens: b.readTokens,
      readTokensTs: b.readTokensTs,
      sessions: b.sessions,
    });
  } else if (b instanceof IpBaseline) {
    s['userAgents'] = b.userAgents.state();
  } else if (b instanceof EndpointBaseline) {
    Object.assign(s, {
      host: b.host,
      method: b.method,
      template: b.template,
      fields: [...b.fields],
      bytesPerRecord: historyState(b.bytesPerRecord),
      sampling: [b.respEligible, b.respReads, b.respSinceRead, b.reqEligible, b.reqReads, b.reqSinceRead, b.respListReads, b.respEvery, b.reqEvery, b.respOtherReads],
    });
  } else if (b instanceof PairBaseline) {
    Object.assign(s, { identity: b.identityKey, endpoint: b.endpointKey });
  }
  return s;
}

/** The JSON-ready state of an open session (its identity is named, not embedded). */
export function encodeSession(session: SessionState): Json {
  return {
    v: BASELINE_STATE_VERSION,
    identity: session.identity.key,
    start: session.start,
    last: session.last,
    counts: b64(session.counts),
    thinkCount: session.thinkCount,
    thinkLog2Sum: session.thinkLog2Sum,
    ipChanges: session.ipChanges,
    lastIp: session.lastIp,
    sketches: b64(session.sketches),
  };
}

/** The identity key a stored session belongs to, or null for a state of another version. */
export function sessionIdentity(s: Json): string | null {
  return s['v'] === BASELINE_STATE_VERSION && typeof s['identity'] === 'string' ? s['identity'] : null;
}

export function decodeSession(key: string, s: Json, identity: IdentityBaseline): SessionState {
  const session = new SessionState(key, identity, s['start'] as number);
  session.last = s['last'] as number;
  unb64(s['counts'], session.counts);
  session.thinkCount = s['thinkCount'] as number;
  session.thinkLog2Sum = s['thinkLog2Sum'] as number;
  session.ipChanges = s['ipChanges'] as number;
  session.lastIp = (s['lastIp'] as string | undefined) ?? '';
  unb64(s['sketches'], session.sketches);
  return session;
}

export interface DecodeBounds extends IdentityBounds {
  idsSeenBits: number;
  maxBodyFields: number;
}

/** A baseline from its stored state; null when the state is of another version or kind. */
export function decodeBaseline(kind: BaselineKind, key: string, s: Json, bounds: DecodeBounds): Baseline | null {
  if (s['v'] !== BASELINE_STATE_VERSION) return null;
  const first = s['first'] as number;
  const hash = hashString(key);
  let b: Baseline;
  if (kind === 'identity') {
    const id = new IdentityBaseline(key, hash, first, bounds);
    unb64(s['think'], id.think);
    id.ips = BoundedTally.from(bounds.maxIps, s['ips'] as TallyState | undefined);
    id.userAgents = BoundedTally.from(bounds.maxUserAgents, s['userAgents'] as TallyState | undefined);
    const asns = s['asns'] as TallyState | null | undefined;
    id.asns = asns ? BoundedTally.from(bounds.maxAsns, asns) : null;
    const seen = s['seen'] as Json | null;
    if (seen) {
      const bits = new Uint8Array(new SeenFilter(bounds.idsSeenBits).bits.length);
      if (unb64(seen['bits'], bits)) id.seen = new SeenFilter(bounds.idsSeenBits, { bits, current: seen['current'] as number, added: seen['added'] as number, total: seen['total'] as number });
    }
    id.readTokens = (s['readTokens'] as number | undefined) ?? 0;
    id.readTokensTs = (s['readTokensTs'] as number | undefined) ?? first;
    id.sessions = (s['sessions'] as number | undefined) ?? 0;
    b = id;
  } else if (kind === 'ip') {
    const ip = new IpBaseline(key, hash, first, bounds.historySize, bounds.maxUserAgents);
    ip.userAgents = BoundedTally.from(bounds.maxUserAgents, s['userAgents'] as TallyState | undefined);
    b = ip;
  } else if (kind === 'endpoint') {
    const ep = new EndpointBaseline(key, hash, first, bounds.historySize, s['host'] as string, s['method'] as string, s['template'] as string);
    for (const [name, n] of ((s['fields'] as [string, number][] | undefined) ?? []).slice(0, bounds.maxBodyFields)) ep.fields.set(name, n);
    restoreHistory(ep.bytesPerRecord, s['bytesPerRecord']);
    const sampling = (s['sampling'] as number[] | undefined) ?? [];
    [ep.respEligible = 0, ep.respReads = 0, ep.respSinceRead = 0, ep.reqEligible = 0, ep.reqReads = 0, ep.reqSinceRead = 0, ep.respListReads = 0, ep.respEvery = 0, ep.reqEvery = 0, ep.respOtherReads = 0] = sampling;
    b = ep;
  } else {
    b = new PairBaseline(key, hash, first, bounds.historySize, s['identity'] as string, s['endpoint'] as string);
  }
  restoreCommon(b, s);
  return b;
}
