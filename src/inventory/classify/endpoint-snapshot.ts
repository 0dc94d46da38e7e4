// Endpoint snapshots: reading stored ones (current and older formats, tolerant of damaged JSON)
// into learner state, and summarising one parameter's counts for a written one (presence,
// dominant type and format). Split from accumulator.ts: the stored format apart from the learning.
import type { LearnerState, ParamSnapshot, ParamStats, PiiFieldStats, UrlCredentialStats } from './endpoint-learner-types';
import type { AuthKind, Direction, ParamLocation, PiiKind, PiiRule, ValueFormat, ValueType } from './types';

/** What a snapshot says of one parameter: its presence against `of` messages, its dominant type and format. */
export function paramSnapshot(s: ParamStats, of: number): ParamSnapshot {
  let type: ValueType = 'string';
  let best = -1;
  const merged: Partial<Record<ValueType, number>> = { ...s.types };
  if (merged.integer !== undefined && merged.number !== undefined) {
    merged.number += merged.integer;
    delete merged.integer;
  }
  for (const [t, n] of Object.entries(merged) as Array<[ValueType, number]>) {
    if (t !== 'null' && n > best) {
      best = n;
      type = t;
    }
  }
  if (best < 0 && merged.null !== undefined) type = 'null';
  let format: ValueFormat | null = null;
  let fbest = 0;
  for (const [f, n] of Object.entries(s.formats) as Array<[ValueFormat, number]>) {
    if (n > fbest) {
      fbest = n;
      format = f;
    }
  }
  // a format holds only if (nearly) every string value had it
  if (format !== null && fbest < 0.9 * (s.types.string ?? 0)) format = null;
  return {
    direction: s.direction,
    location: s.location,
    name: s.name,
    statusClass: s.statusClass,
    present: s.present,
    of,
    presence: of > 0 ? s.present / of : 0,
    required: of > 0 && s.present >= of,
    type,
    types: { ...s.types },
    format,
    formats: { ...s.formats },
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
  };
}

// ---- reading stored snapshots (current and older formats), tolerant of damaged JSON ----

type Json = Record<string, unknown>;

const DIRECTIONS: ReadonlySet<string> = new Set(['request', 'response']);
const LOCATIONS: ReadonlySet<string> = new Set(['query', 'body', 'header', 'cookie']);

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const count = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);
const time = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function counts<K extends string = string>(x: unknown): Record<K, number> {
  const out = {} as Record<K, number>;
  if (!isObject(x)) return out;
  for (const [k, v] of Object.entries(x)) if (count(v) > 0) out[k as K] = count(v);
  return out;
}

function parseParam(x: unknown): ParamStats | null {
  if (!isObject(x)) return null;
  const { direction, location, name, statusClass: cls } = x;
  if (typeof direction !== 'string' || !DIRECTIONS.has(direction) || typeof location !== 'string' || !LOCATIONS.has(location)) return null;
  if (typeof name !== 'string' || (cls !== null && typeof cls !== 'string')) return null;
  const firstSeen = time(x['firstSeen']) ?? 0;
  return {
    direction: direction as Direction, location: location as ParamLocation, name, statusClass: cls,
    present: count(x['present']), types: counts<ValueType>(x['types']), formats: counts<ValueFormat>(x['formats']),
    firstSeen, lastSeen: time(x['lastSeen']) ?? firstSeen,
  };
}

function parsePii(x: unknown): PiiFieldStats | null {
  if (!isObject(x)) return null;
  const { direction, location, field, kind } = x;
  if (typeof direction !== 'string' || !DIRECTIONS.has(direction) || typeof location !== 'string' || !LOCATIONS.has(location)) return null;
  if (typeof field !== 'string' || typeof kind !== 'string') return null;
  const firstSeen = time(x['firstSeen']) ?? 0;
  const { rule, sample } = x;
  return {
    direction: direction as Direction, location: location as ParamLocation, field, kind: kind as PiiKind,
    count: count(x['count']), messages: count(x['messages']), firstSeen, lastSeen: time(x['lastSeen']) ?? firstSeen,
    ...(typeof rule === 'string' ? { rule: rule as PiiRule } : {}),
    ...(typeof sample === 'string' ? { sample } : {}),
  };
}

function parseUrlCredential(x: unknown): UrlCredentialStats | null {
  if (!isObject(x)) return null;
  const { name, kind, rule, sample } = x;
  if (typeof name !== 'string' || typeof kind !== 'string' || typeof rule !== 'string' || typeof sample !== 'string') return null;
  const firstSeen = time(x['firstSeen']) ?? 0;
  return { name, kind: kind as PiiKind, rule: rule as PiiRule, sample, count: count(x['count']), firstSeen, lastSeen: time(x['lastSeen']) ?? firstSeen };
}

/** A stored snapshot as learner state. Older rows lack some fields; they are derived where they can be. */
export function parseSnapshot(raw: unknown): LearnerState {
  const s = isObject(raw) ? raw : {};
  const params = (Array.isArray(s['params']) ? s['params'] : []).map(parseParam).filter((p): p is ParamStats => p !== null);
  // `statusCodes` holds every call's code; the analysed calls' are what is left after the sampled-out ones.
  // Older rows did not keep the sampled-out codes apart: there all of them count as analysed.
  const sampledOutStatusCodes = counts(s['sampledOutStatusCodes']);
  const statusCodes = counts(s['statusCodes']);
  for (const [code, n] of Object.entries(sampledOutStatusCodes)) {
    const left = (statusCodes[code] ?? 0) - n;
    if (left > 0) statusCodes[code] = left;
    else delete statusCodes[code];
  }
  // Older rows: a response field's `of` is its status class's body count (a class without fields is lost).
  let respBodies = counts(s['responseBodies']);
  if (!isObject(s['responseBodies'])) {
    respBodies = {};
    for (const p of Array.isArray(s['params']) ? (s['params'] as unknown[]) : []) {
      if (isObject(p) && p['direction'] === 'response' && (typeof p['statusClass'] === 'string' || p['statusClass'] === null)) {
        const cls = (p['statusClass'] as string | null) ?? '';
        respBodies[cls] = Math.max(respBodies[cls] ?? 0, count(p['of']));
      }
    }
  }
  const clientList = Array.isArray(s['clientList']) ? s['clientList'].filter((c): c is string => typeof c === 'string') : [];
  const bytes = isObject(s['responseBytes']) ? s['responseBytes'] : {};
  const rec = isObject(s['records']) ? s['records'] : null;
  return {
    calls: count(s['calls']),
    responses: count(s['responses']),
    firstSeen: time(s['firstSeen']),
    lastSeen: time(s['lastSeen']),
    statusCodes,
    sampledOutCalls: count(s['sampledOutCalls']),
    sampledOutStatusCodes,
    respBodies,
    reqCt: counts(s['reqContentTypes']),
    respCt: counts(s['respContentTypes']),
    params,
    paramsDropped: count(s['paramsDropped']),
    pii: (Array.isArray(s['pii']) ? s['pii'] : []).map(parsePii).filter((p): p is PiiFieldStats => p !== null),
    piiTotals: counts<PiiKind>(s['piiTotals']),
    piiDropped: count(s['piiDropped']),
    urlCredentials: (Array.isArray(s['urlCredentials']) ? s['urlCredentials'] : []).map(parseUrlCredential).filter((u): u is UrlCredentialStats => u !== null),
    urlCredentialsDropped: count(s['urlCredentialsDropped']),
    auth: counts<AuthKind>(s['auth']),
    jwtAlgs: counts(s['jwtAlgs']),
    apiKeyNames: counts(s['apiKeyNames']),
    sessionCookies: counts(s['sessionCookies']),
    unauthSuccess: count(s['unauthenticatedSuccess']),
    bytes: { count: count(bytes['count']), sum: count(bytes['sum']), max: count(bytes['max']) },
    records: rec ? { count: count(rec['count']), sum: count(rec['sum']), max: count(rec['max']), lowerBounds: count(rec['lowerBounds']) } : null,
    clients: clientList,
    // older rows kept only the number of distinct clients
    unlistedClients: Math.max(0, count(s['clients']) - clientList.length),
    clientsOverflow: count(s['clientsOverflow']),
  };
}
