// `tapwatch endpoints`: the API map stored by replay/run, filtered by host and spec status, as a
// table or JSON. `--status orphan` lists spec operations that no traffic reached within the window.
import { safeJsonStringify } from '../core/escape-control';
import { loadSpecs } from '../daemon/inventory-stage';
import type { EndpointSnapshot } from '../inventory/classify';
import { classifyStoredMap } from '../inventory/stored-bindings';
import type { TapwatchConfig } from '../config/schema';
import type { EndpointRow } from '../inventory/endpoint-store';
import { resolveConfig, type CommonOptions } from './options';
import { openStoredMap } from './stored-map';
import { table } from './table';

export interface EndpointsOptions extends CommonOptions {
  db?: string;
  host?: string;
  status?: string;
  format: string;
}

const STATUSES = ['documented', 'shadow', 'zombie', 'drift', 'orphan', 'no-spec', 'unknown'];


const MAX_WHY_ITEMS = 3;

function summary(row: EndpointRow): { auth: string; pii: string; why: string } {
  const snap = row.stats as Partial<EndpointSnapshot> | null;
  return {
    auth: Object.keys(snap?.auth ?? {}).join(',') || '-',
    pii: Object.keys(snap?.piiTotals ?? {}).join(',') || '-',
    why: whyOf(row),
  };
}

/** Why an endpoint is drift or zombie: `removed in 2.0`, `query:debug (not declared)`, ... */
function whyOf(row: EndpointRow): string {
  const d = row.specDetail;
  if (!d) return '-';
  const parts: string[] = [];
  if (d.zombie) parts.push(d.zombie.reason === 'removed' ? `removed${d.zombie.removedIn ? ` in ${d.zombie.removedIn}` : ''}` : 'deprecated');
  if (d.otherVersion) parts.push(`other API version: ${d.otherVersion.seen} (spec serves ${d.otherVersion.specBase}, ${d.otherVersion.operation})`);
  for (const item of d.drift.slice(0, MAX_WHY_ITEMS)) parts.push(`${item.what} (${item.detail})`);
  if (d.drift.length > MAX_WHY_ITEMS) parts.push(`+${d.drift.length - MAX_WHY_ITEMS} more`);
  return parts.join('; ') || '-';
}

export function endpointsCommand(opts: EndpointsOptions): number {
  const config = resolveConfig(opts);
  if (opts.status !== undefined && !STATUSES.includes(opts.status)) {
    process.stderr.write(`tapwatch: --status must be one of ${STATUSES.join(', ')}\n`);
    return 2;
  }
  if (opts.format !== 'table' && opts.format !== 'json') {
    process.stderr.write('tapwatch: --format must be table or json\n');
    return 2;
  }
  const map = openStoredMap(opts.db, config.store.path);
  if (!map) return 1;
  try {
    const rows = map.store.list({ ...(opts.host !== undefined ? { host: opts.host } : {}) });
    if (opts.status === 'orphan') return printOrphans(rows, config, opts.format);
    const selected = opts.status === undefined ? rows : rows.filter((r) => r.specStatus === opts.status);
    if (opts.format === 'json') {
      process.stdout.write(safeJsonStringify(selected, 2) + '\n');
    } else {
      const lines = [['STATUS', 'METHOD', 'HOST', 'TEMPLATE', 'CALLS', 'LAST SEEN', 'AUTH', 'SENSITIVE', 'WHY']];
      for (const r of selected) {
        const s = summary(r);
        lines.push([r.specStatus, r.method, r.host, r.template, String(r.calls), new Date(r.lastSeen * 1000).toISOString(), s.auth, s.pii, s.why]);
      }
      process.stdout.write(table(lines));
    }
    return 0;
  } finally {
    map.db.close();
  }
}

function printOrphans(rows: EndpointRow[], config: Readonly<TapwatchConfig>, format: string): number {
  const { specs, errors } = loadSpecs(config.inventory.specs);
  for (const e of errors) process.stderr.write(`tapwatch: spec skipped: ${e}\n`);
  if (specs.length === 0) {
    process.stderr.write('tapwatch: orphans need OpenAPI specs (inventory.specs in the config)\n');
    return 2;
  }
  // Packet time: "now" is the newest traffic the map has seen. Each endpoint counts against the
  // specs bound to its host, as the inventory classified it.
  const now = Math.max(0, ...rows.map((r) => r.lastSeen));
  const { classifier, diffs } = classifyStoredMap(rows, specs, config.inventory.specBinding);
  const bound = new Set(classifier.allBindings().map((b) => b.api));
  const operations = classifier.operations(diffs.filter((d) => d !== null), now, config.inventory.orphanWindowSec);
  const orphans = operations
    .filter((o) => o.orphan)
    .map((o) => ({ method: o.operation.method.toUpperCase(), path: o.operation.path, spec: o.spec.title, ...(bound.has(o.spec.apiId) ? {} : { note: 'spec bound to no host (tapwatch specs)' }) }));
  if (format === 'json') process.stdout.write(safeJsonStringify(orphans, 2) + '\n');
  else process.stdout.write(table([['METHOD', 'PATH', 'SPEC', 'NOTE'], ...orphans.map((o) => [o.method, o.path, o.spec, o.note ?? ''])]));
  return 0;
}
