// `tapwatch specs`: each configured API (specs sharing `info.title` are its versions), the hosts it
// is bound to and why (configured patterns, its server host, or learned from the stored traffic),
// how many of its operations each host calls, and for a spec bound to no host the likeliest one.
import { safeJsonStringify } from '../core/escape-control';
import { existsSync } from 'node:fs';
import { loadSpecs } from '../daemon/inventory-stage';
import { classifyStoredMap } from '../inventory/stored-bindings';
import { describeBinding } from '../inventory/spec-binding';
import { defaultDatabasePath } from '../store/paths';
import { resolveConfig, type CommonOptions } from './options';
import { openStoredMap } from './stored-map';
import { table } from './table';

export interface SpecsOptions extends CommonOptions {
  db?: string;
  format: string;
}

interface ApiReport {
  api: string;
  versions: string[];
  files: string[];
  operations: number;
  hosts: string;
  bound: { host: string; reason: string; operations: number; undocumented: number; why: string }[];
  likely?: { host: string; operations: number; undocumented: number };
}

export function specsCommand(opts: SpecsOptions): number {
  const config = resolveConfig(opts);
  if (opts.format !== 'table' && opts.format !== 'json') {
    process.stderr.write('tapwatch: --format must be table or json\n');
    return 2;
  }
  const { specs, errors } = loadSpecs(config.inventory.specs);
  for (const e of errors) process.stderr.write(`tapwatch: spec skipped: ${e}\n`);
  if (config.inventory.specs.length === 0) {
    process.stdout.write('No OpenAPI specs configured (inventory.specs): endpoints are mapped but not compared with a spec.\n');
    return 0;
  }
  // without a database there is no traffic yet: the bindings are only what the config says
  const dbFile = defaultDatabasePath(opts.db ?? config.store.path);
  const map = existsSync(dbFile) ? openStoredMap(opts.db, config.store.path) : null;
  try {
    const rows = map ? map.store.list({}) : [];
    const { classifier, evidence } = classifyStoredMap(rows, specs, config.inventory.specBinding);
    const reports: ApiReport[] = classifier.apis.map((api) => {
      const bound = classifier
        .allBindings()
        .filter((b) => b.api === api.id)
        .map((b) => ({ host: b.host, reason: b.reason, operations: b.operations, undocumented: b.undocumented, why: describeBinding(b, api) }));
      let likely: ApiReport['likely'];
      for (const [host, perApi] of evidence) {
        const e = perApi.get(api.id);
        if (e && e.operations > 0 && (!likely || e.operations > likely.operations)) likely = { host, ...e };
      }
      const hosts = api.patterns.length > 0 ? api.patterns.map((p) => p.text).join(', ') : `learned${api.serverHosts.length > 0 ? ` (servers: ${api.serverHosts.join(', ')})` : ' (relative servers)'}`;
      return {
        api: api.id,
        versions: api.versions.map((v) => v.version),
        files: [...api.files],
        operations: api.operationCount,
        hosts,
        bound,
        ...(bound.length === 0 && likely ? { likely } : {}),
      };
    });
    if (opts.format === 'json') {
      process.stdout.write(safeJsonStringify(reports, 2) + '\n');
      return 0;
    }
    const lines = [['API', 'VERSIONS', 'OPS', 'HOSTS', 'BOUND TO', 'WHY']];
    for (const r of reports) {
      const first = [r.api, r.versions.join(' < '), String(r.operations), r.hosts];
      if (r.bound.length === 0) {
        const why = !map
          ? `no traffic stored yet (${dbFile})`
          : r.likely
            ? `bound to no host; likeliest ${r.likely.host}: ${r.likely.operations} operation(s) called, ${r.likely.undocumented} undocumented path(s) — add it to this spec's hosts if it serves this API`
            : 'bound to no host: no stored traffic calls any of its operations';
        lines.push([...first, '-', why]);
      }
      r.bound.forEach((b, i) => lines.push([...(i === 0 ? first : ['', '', '', '']), b.host, b.why]));
    }
    process.stdout.write(table(lines));
    return 0;
  } finally {
    map?.db.close();
  }
}
