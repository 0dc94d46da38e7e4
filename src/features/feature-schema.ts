// The feature vectors the detectors read and the TF.js models train on: their names, units, meaning
// and normalisation, in the order of the Float32Array that feature-vector.ts fills. This file is
// the contract: change a meaning, order or normalisation only together with FEATURE_SCHEMA_VERSION
// (a model records the version and fingerprint it was trained on and refuses another).
//
// Windows: "1m", "10m" and "1h" are sliding windows on packet time ending at the moment the vector
// is taken, estimated from two tumbling windows (window-counts.ts: never below the current window's
// count, never above current + previous). Distinct counts ("templates_1h", "object_ids_1h") span the
// current and the previous hour window (one to two hours). "_z" features are robust z-scores of the
// value against the entity's own last `features.historyWindows` completed active windows of that
// length: (value − median) / max(1.4826 × MAD, 1, median / 10), clipped to ±10; 0 without history.
import { hashString } from '../core/hashing';

export const FEATURE_SCHEMA_VERSION = 1;

/** How a raw value becomes a model input: `log1p` = ln(1 + max(0, x)); `ratio` and `flag` as they are (0–1); `z` = x / 10 (−1 to 1). */
export type Normalisation = 'log1p' | 'ratio' | 'flag' | 'z';

export interface FeatureSpec {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly normalisation: Normalisation;
}

const f = (name: string, unit: string, normalisation: Normalisation, description: string): FeatureSpec => ({ name, unit, description, normalisation });

const ERRORS = ['401', '403', '404', '429', '5xx'] as const;

/** One identity at one moment: its sliding windows against its own history. */
export const IDENTITY_WINDOW_FEATURES: readonly FeatureSpec[] = [
  f('requests_1m', 'requests', 'log1p', 'Requests in the last minute.'),
  f('requests_10m', 'requests', 'log1p', 'Requests in the last 10 minutes.'),
  f('requests_1h', 'requests', 'log1p', 'Requests in the last hour.'),
  f('requests_1m_z', 'robust z', 'z', 'requests_1m against the past active minutes.'),
  f('requests_10m_z', 'robust z', 'z', 'requests_10m against the past active 10-minute windows.'),
  f('requests_1h_z', 'robust z', 'z', 'requests_1h against the past active hours.'),
  f('requests_1h_median', 'requests', 'log1p', 'Median requests of the past active hours (the usual hourly rate).'),
  f('peak_1m', 'requests', 'log1p', 'Most requests in one minute window (aligned to the minute) so far.'),
  ...ERRORS.map((e) => f(`error_${e}_ratio_1h`, 'share', 'ratio', `Share of the last hour's requests answered ${e}.`)),
  f('templates_1h', 'templates', 'log1p', 'Distinct endpoint templates called (current and previous hour window).'),
  f('templates_1h_z', 'robust z', 'z', 'templates_1h against the distinct templates of past active hours.'),
  f('object_ids_1h', 'ids', 'log1p', 'Distinct (template, object id) values in request paths (current and previous hour window).'),
  f('object_ids_1h_z', 'robust z', 'z', 'object_ids_1h against past active hours.'),
  f('unseen_id_ratio_1h', 'share', 'ratio', 'Of the last hour\'s requests with object ids that could be judged, the share asking for an id never shown to this identity in a response read.'),
  f('bytes_1h', 'bytes', 'log1p', 'Response body bytes (as sent) in the last hour.'),
  f('bytes_1h_z', 'robust z', 'z', 'bytes_1h against past active hours.'),
  f('records_1h', 'records', 'log1p', 'JSON records returned in the last hour (counted in bodies read, estimated from length and the endpoint\'s bytes per record otherwise).'),
  f('records_1h_z', 'robust z', 'z', 'records_1h against past active hours.'),
  f('new_body_fields_1h', 'fields', 'log1p', 'Request body fields the endpoint had never received, in bodies read in the last hour.'),
  f('hour_of_week_activity', 'ratio', 'log1p', "The identity's past requests at this hour of the week against its average hour (1 = usual, 0 = never active now)."),
  f('hour_of_day_activity', 'ratio', 'log1p', 'The same over the hour of the day (all days folded).'),
  f('think_time_median_s', 'seconds', 'log1p', 'Median gap between requests within sessions, over the identity\'s life (power-of-two bins).'),
  f('session_think_time_s', 'seconds', 'log1p', 'Geometric mean gap between the requests of the current session.'),
  f('ips_1h', 'IPs', 'log1p', 'Client IPs used in the last hour.'),
  f('ips_total', 'IPs', 'log1p', 'Client IPs remembered for the identity (bounded by features.maxIpsPerIdentity).'),
  f('user_agents_1h', 'user agents', 'log1p', 'User agents used in the last hour.'),
  f('asns_1h', 'ASNs', 'log1p', 'Autonomous systems used in the last hour (0 without an ASN database).'),
  f('age_days', 'days', 'log1p', 'Days since the identity was first seen.'),
  f('learning', 'flag', 'flag', '1 while the identity is in its learning period (not to be scored).'),
];

/** One session of one identity, when it ends (or so far). */
export const SESSION_FEATURES: readonly FeatureSpec[] = [
  f('duration_s', 'seconds', 'log1p', 'From the first to the last request of the session.'),
  f('requests', 'requests', 'log1p', 'Requests in the session.'),
  f('requests_per_min', 'requests/min', 'log1p', 'Requests per minute of session (a session shorter than a minute counts as one minute).'),
  ...ERRORS.map((e) => f(`error_${e}_ratio`, 'share', 'ratio', `Share of the session's requests answered ${e}.`)),
  f('templates', 'templates', 'log1p', 'Distinct endpoint templates called.'),
  f('object_ids', 'ids', 'log1p', 'Distinct (template, object id) values requested.'),
  f('unseen_id_ratio', 'share', 'ratio', 'Share of judged id requests asking for ids never shown to the identity.'),
  f('bytes', 'bytes', 'log1p', 'Response body bytes.'),
  f('records', 'records', 'log1p', 'JSON records returned (read or estimated).'),
  f('new_body_fields', 'fields', 'log1p', 'Request body fields the endpoints had never received.'),
  f('think_time_s', 'seconds', 'log1p', 'Geometric mean gap between requests.'),
  f('ip_changes', 'changes', 'log1p', 'Requests from another IP than the request before.'),
  f('hour_of_week_activity', 'ratio', 'log1p', "The identity's activity at the session's starting hour of the week against its average hour."),
  f('identity_age_days', 'days', 'log1p', 'Days the identity had been known when the session started.'),
  f('learning', 'flag', 'flag', '1 when the identity was still in its learning period at the end of the session.'),
];

/** One identity on one endpoint at one moment (enumeration, BOLA, per-endpoint volume). */
export const PAIR_WINDOW_FEATURES: readonly FeatureSpec[] = [
  f('requests_1m', 'requests', 'log1p', 'Requests to the endpoint in the last minute.'),
  f('requests_1h', 'requests', 'log1p', 'Requests to the endpoint in the last hour.'),
  f('requests_1h_z', 'robust z', 'z', 'requests_1h against the pair\'s past active hours.'),
  f('error_403_ratio_1h', 'share', 'ratio', "Share of the last hour's requests answered 403."),
  f('error_404_ratio_1h', 'share', 'ratio', "Share of the last hour's requests answered 404."),
  f('object_ids_1h', 'ids', 'log1p', 'Distinct object ids requested on the endpoint (current and previous hour window).'),
  f('object_ids_1h_z', 'robust z', 'z', 'object_ids_1h against the pair\'s past active hours.'),
  f('object_ids_total', 'ids', 'log1p', 'Distinct object ids requested on the endpoint over the pair\'s life.'),
  f('unseen_id_ratio_1h', 'share', 'ratio', 'Share of judged id requests in the last hour asking for ids never shown to the identity.'),
  f('bytes_1h', 'bytes', 'log1p', 'Response body bytes in the last hour.'),
  f('records_1h', 'records', 'log1p', 'JSON records returned in the last hour.'),
];

/** Index of each feature by name, for readers that want one value (`vector[IDENTITY_INDEX.requests_1h]`). */
export function featureIndex(schema: readonly FeatureSpec[]): Readonly<Record<string, number>> {
  return Object.fromEntries(schema.map((s, i) => [s.name, i]));
}

export const IDENTITY_INDEX = featureIndex(IDENTITY_WINDOW_FEATURES);
export const SESSION_INDEX = featureIndex(SESSION_FEATURES);
export const PAIR_INDEX = featureIndex(PAIR_WINDOW_FEATURES);

/** 8 hex characters naming the version, names and normalisations of a schema (for model metadata). */
export function schemaFingerprint(schema: readonly FeatureSpec[]): string {
  const text = `${FEATURE_SCHEMA_VERSION}|${schema.map((s) => `${s.name}:${s.normalisation}`).join(',')}`;
  return hashString(text).toString(16).padStart(8, '0');
}

export function normaliseValue(value: number, how: Normalisation): number {
  switch (how) {
    case 'log1p':
      return Math.log1p(Math.max(0, value));
    case 'z':
      return value / 10;
    default:
      return value;
  }
}

/** The model input of a raw vector: each value by its feature's normalisation. */
export function normaliseVector(schema: readonly FeatureSpec[], raw: Float32Array, out: Float32Array = new Float32Array(schema.length)): Float32Array {
  for (let i = 0; i < schema.length; i++) out[i] = normaliseValue(raw[i] as number, (schema[i] as FeatureSpec).normalisation);
  return out;
}
