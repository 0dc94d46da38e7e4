// `tapwatch audit`: the audit trail of analyst actions (feedback, suppressions, endpoint edits, model
// rollback, tokens), oldest first. Text is one line per record; every field is escaped, since a
// note or a token name is free text and a control character must not rewrite the terminal or
// forge a second line.
import type { Command } from 'commander';
import { AuditLog } from '../audit/audit-log';
import { auditSummary } from '../audit/audit-alert';
import { AUDIT_ACTIONS, type AuditAction, type AuditRecord } from '../audit/types';
import { AlertIdGenerator } from '../alerting/ids';
import { Counters } from '../core/counters';
import { parseSince } from './alerts';
import { integerAtLeast } from './option-values';
import { resolveConfig, type CommonOptions } from './options';
import { openStateDatabase } from './stored-map';
import { UsageError } from './usage-error';

export interface AuditOptions extends CommonOptions {
  db?: string;
  since?: string;
  action?: string;
  actor?: string;
  limit?: string;
  format: string;
}


export function registerAudit(program: Command, settle: (run: Promise<number>) => void): void {
  program
    .command('audit')
    .description('the audit trail: who gave feedback, suppressed alerts, edited endpoints or rolled back a model, and when (oldest first)')
    .option('--since <when>', 'records since an ISO time or a span back from now (24h, 7d)')
    .option('--action <action>', `only this action: ${AUDIT_ACTIONS.join(', ')}`)
    .option('--actor <name>', 'only this actor (token name or local user)')
    .option('--limit <n>', 'at most the newest this many', '1000')
    .option('--format <format>', 'text or jsonl', 'text')
    .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
    .option('-c, --config <file>', 'YAML config file')
    .action((opts: AuditOptions) => settle(Promise.resolve().then(() => auditCommand(opts))));
}

export function auditCommand(opts: AuditOptions): number {
  const config = resolveConfig(opts);
  if (opts.format !== 'text' && opts.format !== 'jsonl') throw new UsageError(`--format ${opts.format}: give text or jsonl`);
  if (opts.action !== undefined && !AUDIT_ACTIONS.includes(opts.action as AuditAction)) throw new UsageError(`--action ${opts.action}: give one of ${AUDIT_ACTIONS.join(', ')}`);
  const since = opts.since !== undefined ? parseSince(opts.since, Date.now() / 1000) : undefined;
  if (since === null) throw new UsageError(`--since ${opts.since}: give an ISO time or a span such as 24h or 7d`);
  const limit = integerAtLeast('--limit', opts.limit ?? '1000', 1);
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const records = new AuditLog(opened.db, opened.file, { maxRecords: config.audit.maxRecords, counters: new Counters(), ids: new AlertIdGenerator() }).list({
      ...(since !== undefined ? { since } : {}),
      ...(opts.action !== undefined ? { action: opts.action as AuditAction } : {}),
      ...(opts.actor !== undefined ? { actor: opts.actor } : {}),
      limit,
    });
    const lines = records.map((r) => (opts.format === 'jsonl' ? JSON.stringify(r) : textLine(r)));
    process.stdout.write(lines.map((l) => l + '\n').join(''));
    return 0;
  } finally {
    opened.db.close();
  }
}

/** `TIME ACTOR ACTION TARGET: summary details`, every field escaped. */
export function textLine(r: AuditRecord): string {
  const actor = `${r.actor.kind}:${r.actor.name}${r.actor.address !== undefined ? `@${r.actor.address}` : ''}`;
  const details = r.details && Object.keys(r.details).length > 0 ? ` ${JSON.stringify(r.details)}` : '';
  return [new Date(r.at * 1000).toISOString(), r.id, actor, r.action, `${r.target}:`, `${auditSummary(r)}${details}`].map(escapeControls).join(' ');
}

/** C0 and C1 controls, DEL, line and paragraph separators and bidi overrides as `\xNN` / `\u{NNNN}`. */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
