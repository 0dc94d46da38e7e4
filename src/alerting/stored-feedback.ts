// Analyst feedback and suppressions as rows: a verdict kept as history (what the models learn from)
// and copied onto the alert row for listing; the suppression a false positive asks for (the alert's
// detector, identity or else client IP, and endpoint); the stored copy of config rules beside those.
// Plain SQL on the database; AlertStore adds transactions where several rows change, and error context.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Db } from '../store/database';
import { alertOf, type AlertRow, type StoredAlert, type Verdict } from './alert-rows';
import type { Suppression, SuppressionRule, SuppressionSource } from './suppression';
import type { EndpointRef } from './types';

export interface FeedbackOptions {
  /** For a false positive: add a suppression matching the alert's detector, who and endpoint. */
  suppress?: boolean;
  /** How long that suppression lasts; absent = until deleted. */
  suppressForSec?: number;
  /** Who gave the verdict; defaults to the current OS user. */
  by?: string;
  /** Seconds since the epoch; defaults to the store clock. */
  now?: number;
  /** Create the suppression even when it is wide (no identity, client or endpoint on the alert). */
  allowWide?: boolean;
}

export interface FeedbackResult {
  readonly alertId: string;
  readonly verdict: Verdict;
  /** The suppression created, when one was asked for. */
  readonly suppression: Suppression | null;
}

/** One verdict with the alert it judged, as training and threshold tuning read it. */
export interface FeedbackRecord {
  readonly alertId: string;
  readonly verdict: Verdict;
  readonly note: string;
  readonly at: number;
  readonly by: string;
  readonly alert: StoredAlert;
}

interface SuppressionRow {
  id: string;
  detector: string | null;
  identity: string | null;
  client: string | null;
  host: string | null;
  method: string | null;
  template: string | null;
  reason: string;
  created_at: number;
  expires_at: number | null;
  source: SuppressionSource;
  alert_id: string | null;
}

/** Adds the verdict to the history and makes it the alert's latest. */
export function insertFeedback(db: Db, alertId: string, verdict: Verdict, note: string, at: number, by: string): void {
  db.prepare('INSERT INTO feedback (alert_id, verdict, note, at, "by") VALUES (?, ?, ?, ?, ?)').run(alertId, verdict, note, at, by);
  db.prepare('UPDATE alerts SET verdict = ?, updated_at = ? WHERE id = ?').run(verdict, at, alertId);
}

/** The rule that suppresses the next finding like a false-positive alert: same detector, who and endpoint. */
export function falsePositiveRule(alert: StoredAlert, note: string, at: number, suppressForSec: number | undefined): SuppressionRule {
  return {
    detector: alert.type,
    ...(alert.identity !== undefined ? { identity: alert.identity } : alert.client !== undefined ? { client: alert.client } : {}),
    ...endpointFields(alert.endpoint),
    reason: `false positive ${alert.id}${note ? `: ${note}` : ''}`,
    ...(suppressForSec !== undefined ? { expiresAt: at + suppressForSec } : {}),
  };
}

/** A feedback row joined with the alert it judged (the alert's columns as they are, feedback's prefixed). */
export type FeedbackRow = AlertRow & { f_alert_id: string; f_verdict: Verdict; f_note: string; f_at: number; f_by: string };

/** Every verdict (since `q.since`, of `q.verdict`), oldest first, joined with the alert it judged. */
export function listFeedbackRows(db: Db, q: { since?: number; verdict?: Verdict }): FeedbackRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.since !== undefined) {
    where.push('f.at >= ?');
    args.push(q.since);
  }
  if (q.verdict !== undefined) {
    where.push('f.verdict = ?');
    args.push(q.verdict);
  }
  const sql = `SELECT f.alert_id AS f_alert_id, f.verdict AS f_verdict, f.note AS f_note, f.at AS f_at, f."by" AS f_by, a.*
    FROM feedback f JOIN alerts a ON a.id = f.alert_id${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY f.at, f.id`;
  return db.prepare(sql).all(...args) as FeedbackRow[];
}

export function feedbackRecordOf(r: FeedbackRow): FeedbackRecord {
  return { alertId: r.f_alert_id, verdict: r.f_verdict, note: r.f_note, at: r.f_at, by: r.f_by, alert: alertOf(r) };
}

export function insertSuppression(db: Db, rule: SuppressionRule, source: SuppressionSource, now: number, alertId: string | null): Suppression {
  const id = randomUUID();
  db.prepare(
    `INSERT INTO suppressions (id, detector, identity, client, host, method, template, reason, created_at, expires_at, source, alert_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, rule.detector ?? null, rule.identity ?? null, rule.client ?? null, rule.host ?? null, rule.method ?? null, rule.template ?? null, rule.reason, now, rule.expiresAt ?? null, source, alertId);
  return suppressionOf(db.prepare('SELECT * FROM suppressions WHERE id = ?').get(id) as SuppressionRow);
}

/** Suppressions not expired at `now` (seconds), oldest first. */
export function listActiveSuppressions(db: Db, now: number): Suppression[] {
  const rows = db.prepare('SELECT * FROM suppressions WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at, id').all(now) as SuppressionRow[];
  return rows.map(suppressionOf);
}

/** True when a suppression with that id existed. */
export function deleteSuppression(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM suppressions WHERE id = ?').run(id).changes > 0;
}

/** Replaces the stored copies of the config's rules (caller runs it in a transaction). */
export function replaceConfigSuppressions(db: Db, rules: readonly SuppressionRule[], now: number): void {
  db.prepare("DELETE FROM suppressions WHERE source = 'config'").run();
  for (const r of rules) insertSuppression(db, r, 'config', now, null);
}

/** Who is giving feedback when no one is named: the OS user, or '' when it cannot be read. */
export function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

function endpointFields(e: EndpointRef | undefined): Pick<SuppressionRule, 'host' | 'method' | 'template'> {
  return e ? { host: e.host, method: e.method, template: e.template } : {};
}

function suppressionOf(r: SuppressionRow): Suppression {
  return {
    id: r.id,
    source: r.source,
    reason: r.reason,
    createdAt: r.created_at,
    ...(r.detector !== null ? { detector: r.detector } : {}),
    ...(r.identity !== null ? { identity: r.identity } : {}),
    ...(r.client !== null ? { client: r.client } : {}),
    ...(r.host !== null ? { host: r.host } : {}),
    ...(r.method !== null ? { method: r.method } : {}),
    ...(r.template !== null ? { template: r.template } : {}),
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    ...(r.alert_id !== null ? { alertId: r.alert_id } : {}),
  };
}
