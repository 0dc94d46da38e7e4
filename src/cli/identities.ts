// `tapwatch identities`: who called the APIs, as stored by replay --db or run: a table for people
// (kind, name, requests, sessions, IPs, first and last seen, how it was named), or JSON for tools
// (every identity with its IPs, user agents, endpoints, hours of activity and token facts).
import { safeJsonStringify } from '../core/escape-control';
import type { Command } from 'commander';
import { listIdentities } from '../identity/store';
import type { IdentityRow } from '../identity/types';
import { resolveConfig, type CommonOptions } from './options';
import { integerAtLeast } from './option-values';
import { openStateDatabase } from './stored-map';
import { table } from './table';
import { UsageError } from './usage-error';

export interface IdentitiesOptions extends CommonOptions {
  db?: string;
  kind?: string;
  limit?: string;
  format: string;
}

const KINDS = ['user', 'key', 'ip'];
/** IPs named in the table's column; the rest are counted. */
const TABLE_IPS = 2;

/** The JSON form of one identity: its row with the learned uses flattened beside the counts. */
export function identityJson(row: IdentityRow): Record<string, unknown> {
  const { stats, ...head } = row;
  return { ...head, ...stats };
}

function when(ts: number): string {
  return new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
}

function ipsCell(row: IdentityRow): string {
  const ips = [...row.stats.ips].sort((a, b) => b.requests - a.requests);
  const shown = ips.slice(0, TABLE_IPS).map((u) => (u.country ? `${u.ip} (${u.country})` : u.ip));
  let cell = shown.join(', ');
  if (ips.length > shown.length) cell += ` +${ips.length - shown.length} more`;
  if (row.stats.ipsOverflow > 0) cell += ' (and IPs beyond the bound)';
  return cell;
}

export function registerIdentities(program: Command, settle: (run: Promise<number>) => void): void {
  program
    .command('identities')
    .description('who called the APIs (stored by replay --db or run): users, keys and IPs with their IPs, user agents, sessions and hours')
    .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
    .option('-c, --config <file>', 'YAML config file')
    .option('--kind <kind>', 'only user, key or ip identities')
    .option('--limit <n>', 'at most this many, most recently seen first')
    .option('--format <format>', 'table or json', 'table')
    .action((opts: IdentitiesOptions) => settle(Promise.resolve().then(() => identitiesCommand(opts))));
}

export function identitiesCommand(opts: IdentitiesOptions): number {
  const config = resolveConfig(opts);
  if (opts.format !== 'table' && opts.format !== 'json') throw new UsageError(`--format ${opts.format}: give table or json`);
  if (opts.kind !== undefined && !KINDS.includes(opts.kind)) throw new UsageError(`--kind ${opts.kind}: give one of ${KINDS.join(', ')}`);
  const limit = opts.limit !== undefined ? integerAtLeast('--limit', opts.limit, 1) : Infinity;
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  try {
    const rows = listIdentities(opened.db)
      .filter((r) => opts.kind === undefined || r.kind === opts.kind)
      .slice(0, limit);
    if (opts.format === 'json') {
      process.stdout.write(safeJsonStringify(rows.map(identityJson), 2) + '\n');
      return 0;
    }
    const lines = [['KIND', 'IDENTITY', 'REQUESTS', 'SESSIONS', 'IPS', 'FIRST SEEN', 'LAST SEEN', 'NAMED BY']];
    for (const r of rows) {
      lines.push([r.kind, r.display, String(r.requests), String(r.stats.sessions), ipsCell(r), when(r.firstSeen), when(r.lastSeen), r.source]);
    }
    process.stdout.write(table(lines));
    if (rows.length === 0) process.stdout.write('(no identities stored yet: replay a capture with --db, or run the sensor)\n');
    return 0;
  } finally {
    opened.db.close();
  }
}
