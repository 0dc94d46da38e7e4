// Human corrections to the endpoint map: `tapwatch endpoints approve|merge|split`. They change the
// templater state stored in the database (never re-derived afterwards) and re-key stored rows now;
// the next `replay`/`run` start uses them.
import { PathTemplater, type Remap, type TemplaterState } from '../inventory/templating';
import { resolveConfig, type CommonOptions } from './options';
import { openStoredMap } from './stored-map';

export type Correction = 'approve' | 'merge' | 'split';

export interface EditOptions extends CommonOptions {
  db?: string;
  host?: string;
  method?: string;
  /** split: pin this concrete path as a literal endpoint. */
  path?: string;
}

export function endpointsEditCommand(action: Correction, template: string | undefined, opts: EditOptions): number {
  const config = resolveConfig(opts);
  const map = openStoredMap(opts.db, config.store.path);
  if (!map) return 1;
  const method = opts.method?.toUpperCase();
  try {
    const store = map.store;
    const saved = store.loadTemplaterState() as TemplaterState | null;
    const templater = saved ? PathTemplater.fromState(saved, config.inventory.templating) : new PathTemplater(config.inventory.templating);
    let remaps: Remap[];
    try {
      if (action === 'split') {
        if (opts.host === undefined || method === undefined) throw new Error('split needs --host and --method');
        if (opts.path !== undefined) remaps = templater.split({ host: opts.host, method, path: opts.path });
        else if (template !== undefined) remaps = templater.split({ host: opts.host, method, template });
        else throw new Error('split needs a TEMPLATE or --path');
      } else {
        if (template === undefined) throw new Error(`${action} needs a TEMPLATE`);
        const target = { ...(opts.host !== undefined ? { host: opts.host } : {}), ...(method !== undefined ? { method } : {}), template };
        remaps = action === 'merge' ? templater.merge(target) : templater.approve(target);
      }
    } catch (err) {
      process.stderr.write(`tapwatch: ${(err as Error).message}\n`);
      return 2;
    }
    let moved = 0;
    for (const r of remaps) {
      // A template removed by a split keeps its row as history; new traffic re-derives literals.
      if (r.to !== null && store.moveNow({ host: r.fromHost, method: r.method, template: r.from }, { host: r.toHost, template: r.to })) moved++;
    }
    store.saveTemplaterState(templater.state(), Date.now() / 1000);
    const result = store.commit();
    if (result.error) throw result.error;
    process.stdout.write(`${action}: ${remaps.length} template(s) retired, ${moved} stored endpoint(s) folded\n`);
    return 0;
  } finally {
    map.db.close();
  }
}
