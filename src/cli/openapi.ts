// `tapwatch openapi export`: an OpenAPI 3.1 document of what the sensor observed (paths with typed
// parameters, query/header parameters with presence-based `required`, security schemes seen).
import { existsSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { Counters } from '../core/counters';
import { EndpointStore } from '../inventory/endpoint-store';
import { INVENTORY_MIGRATIONS } from '../inventory/migrations';
import { toObserved } from '../inventory/observed';
import { exportOpenApi } from '../inventory/openapi';
import { BatchWriter } from '../store/batch-writer';
import { openDatabase } from '../store/database';
import { defaultDatabasePath } from '../store/paths';
import { resolveConfig, type CommonOptions } from './options';

export interface OpenApiExportOptions extends CommonOptions {
  db?: string;
  host?: string;
  output?: string;
  format: string;
  title: string;
}

export function openapiExportCommand(opts: OpenApiExportOptions): number {
  const config = resolveConfig(opts);
  if (opts.format !== 'json' && opts.format !== 'yaml') {
    process.stderr.write('tapwatch: --format must be json or yaml\n');
    return 2;
  }
  const file = defaultDatabasePath(opts.db ?? config.store.path);
  if (!existsSync(file)) {
    process.stderr.write(`tapwatch: no database at ${file}: run 'tapwatch replay --db ${file} FILE' or 'tapwatch run' first\n`);
    return 1;
  }
  const db = openDatabase(file, INVENTORY_MIGRATIONS);
  try {
    const rows = new EndpointStore(db, new BatchWriter(db, file, 1, new Counters())).list(opts.host !== undefined ? { host: opts.host } : {});
    const doc = exportOpenApi(rows.map(toObserved), {
      title: opts.title,
      version: new Date(Math.max(0, ...rows.map((r) => r.lastSeen)) * 1000).toISOString().slice(0, 10),
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      description: `Observed by Tapwatch from mirrored traffic (${rows.length} endpoints).`,
    });
    const text = opts.format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : stringify(doc);
    if (opts.output) writeFileSync(opts.output, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    db.close();
  }
}
