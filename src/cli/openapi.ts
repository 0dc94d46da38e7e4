// `tapwatch openapi export`: an OpenAPI 3.1 document of what the sensor observed (paths with typed
// parameters, query/header parameters with presence-based `required`, security schemes seen).
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { toObserved } from '../inventory/observed';
import { exportOpenApi } from '../inventory/openapi';
import { resolveConfig, type CommonOptions } from './options';
import { openStoredMap } from './stored-map';

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
  const map = openStoredMap(opts.db, config.store.path);
  if (!map) return 1;
  try {
    const rows = map.store.list(opts.host !== undefined ? { host: opts.host } : {});
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
    map.db.close();
  }
}
