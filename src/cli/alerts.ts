// `tapwatch alerts` lists stored alerts; `tapwatch feedback ALERT_ID --verdict ...` records an
// analyst's verdict (stored for threshold tuning and training) and, for a false positive with
// --suppress, a suppression of that alert's pattern that a running daemon picks up.
import { SEVERITIES, type Severity } from '../alerting/types';
import { AlertStore, UnknownAlertError, type StoredAlert, type Verdict } from '../alerting';
import { resolveConfig, type CommonOptions } from './options';
import { openStateDatabase } from './stored-map';
import { alertRecord } from './records';

export interface AlertsOptions extends CommonOptions {
  db?: string;
  since?: string;
  severity?: string;
  type?: string;
  limit?: string;
  format: string;
}

export interface FeedbackCliOptions extends CommonOptions {
  db?: string;
  verdict: string;
  note?: string;
  suppress?: boolean;
  suppressFor?: string;
  by?: string;
}

const VERDICTS: readonly Verdict[] = ['false-positive', 'true-positive'];
const UNIT_SEC: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `2026-11-28T10:00:00Z`, or a span back from now: `90m`, `24h`, `7d`. */
export function parseSince(text: string, nowSec: number): number | null {
  const rel = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (rel) return nowSec - Number(rel[1]) * (UNIT_SEC[rel[2] as string] ?? 1);
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

function fail(message: string): number {
  process.stderr.write(`tapwatch: ${message}\n`);
  return 2;
}

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

function endpointText(a: StoredAlert): string {
  return a.endpoint ? `${a.endpoint.method} ${a.endpoint.host}${a.endpoint.template}` : '-';
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

export function alertsCommand(opts: AlertsOptions): number {
  const config = resolveConfig(opts);
  if (opts.format !== 'table' && opts.format !== 'json') return fail('--format must be table or json');
  if (opts.severity !== undefined && !SEVERITIES.includes(opts.severity as Severity)) return fail(`--severity must be one of ${SEVERITIES.join(', ')}`);
  let since: number | undefined;
  if (opts.since !== undefined) {
    const s = parseSince(opts.since, Date.now() / 1000);
    if (s === null) return fail(`--since ${opts.since}: give an ISO time or a span such as 24h or 7d`);
    since = s;
  }
  const limit = opts.limit !== undefined ? Number(opts.limit) : 1000;
  if (!Number.isInteger(limit) || limit < 1) return fail('--limit must be a positive integer');
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const store = new AlertStore(opened.db, opened.file);
    const alerts = store.listAlerts({
      ...(since !== undefined ? { since } : {}),
      ...(opts.severity !== undefined ? { severityAtLeast: opts.severity as Severity } : {}),
      ...(opts.type !== undefined ? { type: opts.type } : {}),
      limit,
    });
    if (opts.format === 'json') {
      process.stdout.write(JSON.stringify(alerts.map((a) => ({ ...alertRecord(a), verdict: a.verdict })), null, 2) + '\n');
      return 0;
    }
    const lines = [['ID', 'LAST SEEN', 'SEVERITY', 'DETECTOR', 'COUNT', 'ENDPOINT', 'WHO', 'ACTION', 'VERDICT', 'SUMMARY']];
    for (const a of alerts) {
      lines.push([a.id, iso(a.lastSeen), a.severity, a.type, String(a.count), endpointText(a), a.identity ?? a.client ?? '-', a.recommendation.action, a.verdict ?? '-', a.explanation.summary]);
    }
    process.stdout.write(table(lines));
    return 0;
  } finally {
    opened.db.close();
  }
}

export function feedbackCommand(alertId: string, opts: FeedbackCliOptions): number {
  const config = resolveConfig(opts);
  if (!VERDICTS.includes(opts.verdict as Verdict)) return fail(`--verdict must be ${VERDICTS.join(' or ')}`);
  if (opts.suppress && opts.verdict !== 'false-positive') return fail('--suppress goes with --verdict false-positive');
  let suppressForSec: number | undefined;
  if (opts.suppressFor !== undefined) {
    const rel = /^(\d+(?:\.\d+)?)([smhd])?$/.exec(opts.suppressFor.trim());
    if (!rel) return fail(`--suppress-for ${opts.suppressFor}: give seconds or a span such as 12h or 30d`);
    suppressForSec = Number(rel[1]) * (UNIT_SEC[rel[2] ?? 's'] ?? 1);
  }
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const store = new AlertStore(opened.db, opened.file);
    const result = store.recordFeedback(alertId, opts.verdict as Verdict, opts.note ?? '', {
      ...(opts.suppress ? { suppress: true } : {}),
      ...(suppressForSec !== undefined ? { suppressForSec } : {}),
      ...(opts.by !== undefined ? { by: opts.by } : {}),
    });
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  } catch (err) {
    if (err instanceof UnknownAlertError) {
      process.stderr.write(`tapwatch: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    opened.db.close();
  }
}
