// The alerts table's row and its mapping both ways: the upsert that folds a deduped alert into its
// row (count, first/last seen, score, severity and evidence move; created_at and the verdict stay),
// and the read back into a StoredAlert carrying the analyst's latest verdict.
import type { Db } from '../store/database';
import type { Alert, Severity } from './types';

export type Verdict = 'false-positive' | 'true-positive';

export interface StoredAlert extends Alert {
  /** Latest analyst verdict, null until someone gives one. */
  readonly verdict: Verdict | null;
  /** Wall-clock seconds when the row was first written and last updated. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AlertRow {
  id: string;
  type: string;
  severity: string;
  score: number;
  identity: string | null;
  client: string | null;
  host: string | null;
  method: string | null;
  template: string | null;
  first_seen: number;
  last_seen: number;
  count: number;
  explanation: string;
  recommendation: string;
  evidence: string;
  sensor: string;
  created_at: number;
  updated_at: number;
  verdict: Verdict | null;
}

/** Prepares the upsert once; the function it returns writes one alert at wall-clock `now` (seconds). */
export function prepareAlertUpsert(db: Db): (a: Alert, now: number) => void {
  const stmt = db.prepare(
    `INSERT INTO alerts (id, type, severity, score, identity, client, host, method, template, first_seen, last_seen,
       count, explanation, recommendation, evidence, sensor, created_at, updated_at)
     VALUES (@id, @type, @severity, @score, @identity, @client, @host, @method, @template, @firstSeen, @lastSeen,
       @count, @explanation, @recommendation, @evidence, @sensor, @now, @now)
     ON CONFLICT (id) DO UPDATE SET
       severity = excluded.severity, score = excluded.score,
       first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen),
       count = MAX(count, excluded.count), explanation = excluded.explanation,
       recommendation = excluded.recommendation, evidence = excluded.evidence, updated_at = excluded.updated_at`,
  );
  return (a, now) => {
    stmt.run({
      id: a.id,
      type: a.type,
      severity: a.severity,
      score: a.score,
      identity: a.identity ?? null,
      client: a.client ?? null,
      host: a.endpoint?.host ?? null,
      method: a.endpoint?.method ?? null,
      template: a.endpoint?.template ?? null,
      firstSeen: a.firstSeen,
      lastSeen: a.lastSeen,
      count: a.count,
      explanation: JSON.stringify(a.explanation),
      recommendation: JSON.stringify(a.recommendation),
      evidence: JSON.stringify(a.evidence),
      sensor: a.sensor,
      now,
    });
  };
}

export function alertOf(r: AlertRow): StoredAlert {
  return {
    id: r.id,
    type: r.type,
    severity: r.severity as Severity,
    score: r.score,
    ...(r.identity !== null ? { identity: r.identity } : {}),
    ...(r.client !== null ? { client: r.client } : {}),
    ...(r.host !== null && r.method !== null && r.template !== null ? { endpoint: { host: r.host, method: r.method, template: r.template } } : {}),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    count: r.count,
    explanation: JSON.parse(r.explanation) as Alert['explanation'],
    recommendation: JSON.parse(r.recommendation) as Alert['recommendation'],
    evidence: JSON.parse(r.evidence) as Alert['evidence'],
    sensor: r.sensor,
    verdict: r.verdict,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
