// `tapwatch decisions`: the gateway decisions the playbooks made (active ones, or every stored one
// with --all), and `decisions revoke ID`, an analyst ending one by hand: the revoke and its audit
// record are one transaction. A running daemon re-renders its feeds at its next flush.
import type { Command } from 'commander';
import { Counters } from '../core/counters';
import { safeJsonStringify } from '../core/escape-control';
import { DecisionsStore, type StoredDecision } from '../response/decisions-store';
import { cliAuditTrail, localActor } from './cli-audit';
import { resolveConfig, type CommonOptions } from './options';
import { openStateDatabase } from './stored-map';
import { table } from './table';
import { CliFailure, UsageError } from './usage-error';

export interface DecisionsOptions extends CommonOptions {
  db?: string;
  all?: boolean;
  format?: string;
}

export function registerDecisions(program: Command, settle: (run: Promise<number>) => void): void {
  // `decisions` alone lists, as `decisions list` does: one set of options for both
  const listing = (cmd: Command): Command =>
    cmd
      .option('--all', 'also the ended ones (expired, withdrawn, revoked)')
      .option('--format <format>', 'table or json', 'table')
      .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
      .option('-c, --config <file>', 'YAML config file')
      .action((opts: DecisionsOptions) => settle(Promise.resolve().then(() => decisionsListCommand(opts))));
  const decisions = listing(program.command('decisions').description('gateway decisions (block, throttle) made from alerts, oldest first').enablePositionalOptions());
  listing(decisions.command('list').description('the active decisions (all with --all)'));
  decisions
    .command('revoke')
    .description('end a decision by hand (recorded in the audit trail)')
    .argument('<id>', 'decision id, as listed')
    .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
    .option('-c, --config <file>', 'YAML config file')
    .action((id: string, opts: DecisionsOptions) => settle(Promise.resolve().then(() => decisionsRevokeCommand(id, opts))));
}

export function decisionsListCommand(opts: DecisionsOptions): number {
  const config = resolveConfig(opts);
  const format = opts.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format ${format}: give table or json`);
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const store = new DecisionsStore(opened.db, opened.file, { maxDecisions: config.response.maxDecisions, counters: new Counters() });
    const now = Date.now() / 1000;
    // an active row past its expiry is shown as expired: the daemon marks it at its next tick
    const list = store.list({ all: opts.all === true }).map((d) => (d.status === 'active' && d.expiresAt <= now ? { ...d, status: 'expired' as const } : d));
    const shown = opts.all === true ? list : list.filter((d) => d.status === 'active');
    if (format === 'json') {
      process.stdout.write(safeJsonStringify(shown, 2) + '\n');
      return 0;
    }
    if (shown.length === 0) {
      process.stdout.write(opts.all === true ? 'no decisions stored\n' : 'no active decisions (--all shows ended ones)\n');
      return 0;
    }
    process.stdout.write(table([['ID', 'STATUS', 'ACTION', 'TARGET', 'ENDPOINT', 'LIMIT/MIN', 'CONFIDENCE', 'EXPIRES', 'ALERT'], ...shown.map(row)]));
    return 0;
  } finally {
    opened.db.close();
  }
}

function row(d: StoredDecision): string[] {
  return [
    d.id,
    d.status,
    d.action,
    `${d.target.kind}:${d.target.value}`,
    d.endpoint ? `${d.endpoint.method} ${d.endpoint.host}${d.endpoint.template}` : '-',
    d.limitPerMinute !== undefined ? String(d.limitPerMinute) : '-',
    d.confidence.toFixed(2),
    new Date(d.expiresAt * 1000).toISOString(),
    d.alertId ?? '-',
  ];
}

export function decisionsRevokeCommand(id: string, opts: DecisionsOptions): number {
  const config = resolveConfig(opts);
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const actor = localActor();
    const store = new DecisionsStore(opened.db, opened.file, { maxDecisions: config.response.maxDecisions, counters: new Counters() });
    const before = store.get(id);
    if (before === null) throw new CliFailure(`no decision with id ${id}; \`tapwatch decisions --all\` lists them`);
    if (before.status !== 'active') throw new CliFailure(`decision ${id} is already ${before.status}; nothing to revoke`);
    cliAuditTrail(opened.db, opened.file, config).audited(
      () => store.revoke(id, actor.name, Date.now() / 1000),
      () => ({
        actor,
        action: 'decision.revoke',
        target: id,
        details: { action: before.action, target: `${before.target.kind}:${before.target.value}`, ...(before.alertId !== undefined ? { alertId: before.alertId } : {}) },
      }),
    );
    process.stdout.write(`revoked decision ${id} (${before.action} ${before.target.kind}:${before.target.value}); a running sensor drops it from its feeds at its next flush\n`);
    return 0;
  } finally {
    opened.db.close();
  }
}
