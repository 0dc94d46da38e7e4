// `tapwatch alerts` lists stored alerts; `tapwatch feedback ALERT_ID --verdict ...` records an
// analyst's verdict (stored for threshold tuning and training) and, for a false positive with
// --suppress, a suppression of that alert's pattern that a running daemon picks up. The verdict and
// its audit record (queued for the SIEM) are written in one transaction.
import { safeJsonStringify } from '../core/escape-control';
import { SEVERITIES, type Severity } from '../alerting/types';
import { AlertStore, UnknownAlertError, type StoredAlert, type Verdict } from '../alerting';
import type { AlertClock } from '../alerting/store';
import { EndpointStore } from '../inventory/endpoint-store';
import { resolveConfig, type CommonOptions } from './options';
import { integerAtLeast, spanSeconds } from './option-values';
import { openStateDatabase } from './stored-map';
import { alertRecord } from '../daemon/records';
import { StoreError, type Db } from '../store/database';
import { WideSuppressionError } from '../alerting/suppression';
import { cliAuditTrail, localActor } from './cli-audit';
import { CliFailure } from './usage-error';
import { table } from './table';

export interface AlertsOptions extends CommonOptions {
  db?: string;
  since?: string;
  severity?: string;
  type?: string;
  limit?: string;
  /** packet (traffic time, default) or wall (when the alert was stored). */
  clock?: string;
  format: string;
}

export interface FeedbackCliOptions extends CommonOptions {
  db?: string;
  verdict: string;
  note?: string;
  suppress?: boolean;
  suppressFor?: string;
  by?: string;
  /** Create the suppression even when it is wide (the alert names no identity, client or endpoint). */
  allowWide?: boolean;
}

const VERDICTS: readonly Verdict[] = ['false-positive', 'true-positive'];
const CLOCKS: readonly AlertClock[] = ['packet', 'wall'];

/** `2026-11-28T10:00:00Z`, or a span back from `nowSec`: `90m`, `24h`, `7d`. */
export function parseSince(text: string, nowSec: number): number | null {
  const span = spanSeconds(text, null);
  if (span !== null) return nowSec - span;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/**
 * "Now" on the packet clock: the newest traffic the database knows (endpoints or alerts). A replay
 * of last year's capture stamps its alerts last year, so `--since 24h` counts back from there; on a
 * live sensor this is within a flush interval of the wall clock.
 */
function packetNow(db: Db, store: AlertStore): number | null {
  const alerts = store.newestLastSeen();
  const endpoints = EndpointStore.newestLastSeen(db);
  if (alerts === null) return endpoints;
  return endpoints === null ? alerts : Math.max(alerts, endpoints);
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

export function alertsCommand(opts: AlertsOptions): number {
  const config = resolveConfig(opts);
  if (opts.format !== 'table' && opts.format !== 'json') return fail('--format must be table or json');
  if (opts.severity !== undefined && !SEVERITIES.includes(opts.severity as Severity)) return fail(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const clock = (opts.clock ?? 'packet') as AlertClock;
  if (!CLOCKS.includes(clock)) return fail(`--clock ${opts.clock}: give packet (when the traffic was seen) or wall (when the alert was stored)`);
  if (opts.since !== undefined && parseSince(opts.since, 0) === null) return fail(`--since ${opts.since}: give an ISO time or a span such as 24h or 7d`);
  const limit = opts.limit !== undefined ? integerAtLeast('--limit', opts.limit, 1) : 1000;
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const store = new AlertStore(opened.db, opened.file);
    let since: number | undefined;
    let header = `times are ${clock === 'packet' ? 'packet time (when the traffic was seen)' : 'wall-clock time (when the alert was stored)'}`;
    if (opts.since !== undefined) {
      const now = clock === 'wall' ? Date.now() / 1000 : (packetNow(opened.db, store) ?? Date.now() / 1000);
      since = parseSince(opts.since, now) as number;
      const from = spanSeconds(opts.since, null) !== null ? ` (${opts.since.trim()} before ${clock === 'wall' ? 'now' : `the newest traffic stored, ${iso(now)}`})` : '';
      header = `alerts since ${iso(since)}${from}; ${header}; --clock ${clock === 'packet' ? 'wall' : 'packet'} for the other clock`;
    }
    const alerts = store.listAlerts({
      ...(since !== undefined ? { since, clock } : {}),
      ...(opts.severity !== undefined ? { severityAtLeast: opts.severity as Severity } : {}),
      ...(opts.type !== undefined ? { type: opts.type } : {}),
      limit,
    });
    if (opts.format === 'json') {
      process.stdout.write(safeJsonStringify(alerts.map((a) => ({ ...alertRecord(a), verdict: a.verdict })), 2) + '\n');
      return 0;
    }
    const timeOf = (a: StoredAlert): number => (clock === 'wall' ? a.updatedAt : a.lastSeen);
    const lines = [['ID', clock === 'wall' ? 'STORED' : 'LAST SEEN', 'SEVERITY', 'DETECTOR', 'COUNT', 'ENDPOINT', 'WHO', 'ACTION', 'VERDICT', 'SUMMARY']];
    for (const a of alerts) {
      lines.push([a.id, iso(timeOf(a)), a.severity, a.type, String(a.count), endpointText(a), a.identity ?? a.client ?? '-', a.recommendation.action, a.verdict ?? '-', a.explanation.summary]);
    }
    process.stdout.write(`# ${header}\n${table(lines)}`);
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
    const span = spanSeconds(opts.suppressFor);
    if (span === null) return fail(`--suppress-for ${opts.suppressFor}: give seconds greater than 0 or a span such as 12h or 30d`);
    suppressForSec = span;
  }
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const store = new AlertStore(opened.db, opened.file, undefined, config.alerting.maxSuppressionPrefix);
    const trail = cliAuditTrail(opened.db, opened.file, config);
    const { result } = trail.audited(
      () =>
        store.recordFeedback(alertId, opts.verdict as Verdict, opts.note ?? '', {
          ...(opts.suppress ? { suppress: true } : {}),
          ...(suppressForSec !== undefined ? { suppressForSec } : {}),
          ...(opts.by !== undefined ? { by: opts.by } : {}),
          ...(opts.allowWide ? { allowWide: true } : {}),
        }),
      (r) => ({
        actor: localActor(),
        action: 'alert.feedback',
        target: alertId,
        // --by names who gave the verdict; the actor is who ran the command
        details: { verdict: r.verdict, note: opts.note ?? '', ...(opts.by !== undefined ? { by: opts.by } : {}), suppression: r.suppression, ...(opts.allowWide ? { allowWide: true } : {}) },
      }),
    );
    process.stdout.write(safeJsonStringify(result, 2) + '\n');
    return 0;
  } catch (err) {
    if (err instanceof UnknownAlertError) {
      process.stderr.write(`tapwatch: ${err.message}\n`);
      return 1;
    }
    if (err instanceof WideSuppressionError) return fail(`alert ${alertId}: ${err.why}; nothing was recorded; add --allow-wide to suppress it anyway`);
    if (err instanceof StoreError) throw new CliFailure(`feedback not recorded (nor its audit record): ${err.message}`);
    throw err;
  } finally {
    opened.db.close();
  }
}
