// Human corrections to the endpoint map: `tapwatch endpoints approve|merge|split`. They change the
// templater state stored in the database (never re-derived afterwards) and re-key stored rows now;
// the next `replay`/`run` start uses them. Each edit and its audit record are one transaction.
import { normalizeHost, PathTemplater, splitPath, type Remap, type TemplaterState } from '../inventory/templating';
import type { EndpointRow } from '../inventory/endpoint-store';
import { resolveConfig, type CommonOptions } from './options';
import { openStoredMap } from './stored-map';
import { CliFailure, UsageError } from './usage-error';
import { cliAuditTrail, localActor } from './cli-audit';
import { StoreError } from '../store/database';

export type Correction = 'approve' | 'merge' | 'split';

export interface EditOptions extends CommonOptions {
  db?: string;
  host?: string;
  method?: string;
  /** split: pin this concrete path as a literal endpoint. */
  path?: string;
}

/** Does a stored template (`/users/{id:int}`, `/{overflow}`) cover the concrete path? */
function templateCovers(template: string, path: string): boolean {
  const t = template.split('/').filter((s) => s !== '');
  const p = path.split('/').filter((s) => s !== '');
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] as string;
    if (seg === '{overflow}') return p.length >= i;
    if (i >= p.length) return false;
    if (!seg.startsWith('{') && seg !== p[i]) return false;
  }
  return t.length === p.length;
}

/** The stored endpoint whose calls include those of `path`: the one with the most literal segments. */
function coveringRow(rows: readonly EndpointRow[], host: string, method: string, path: string): EndpointRow | null {
  const literals = (r: EndpointRow): number => r.template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
  const hits = rows.filter((r) => r.host === host && r.method === method && templateCovers(r.template, path));
  return hits.sort((a, b) => literals(b) - literals(a))[0] ?? null;
}

export function endpointsEditCommand(action: Correction, template: string | undefined, opts: EditOptions): number {
  const config = resolveConfig(opts);
  const method = opts.method?.toUpperCase();
  if (action === 'split') {
    if (opts.host === undefined || method === undefined) throw new UsageError('split needs --host and --method');
    if ((opts.path === undefined) === (template === undefined)) throw new UsageError('split needs either a TEMPLATE or --path PATH');
  } else if (template === undefined) {
    throw new UsageError(`${action} needs a TEMPLATE`);
  }
  const map = openStoredMap(opts.db, config.store.path);
  if (!map) return 1;
  try {
    const store = map.store;
    const saved = store.loadTemplaterState() as TemplaterState | null;
    const templater = saved ? PathTemplater.fromState(saved, config.inventory.templating) : new PathTemplater(config.inventory.templating);
    let remaps: Remap[];
    try {
      if (action === 'split') {
        const target = { host: opts.host as string, method: method as string };
        remaps = opts.path !== undefined ? templater.split({ ...target, path: opts.path }) : templater.split({ ...target, template: template as string });
      } else {
        const target = { ...(opts.host !== undefined ? { host: opts.host } : {}), ...(method !== undefined ? { method } : {}), template: template as string };
        remaps = action === 'merge' ? templater.merge(target) : templater.approve(target);
      }
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const apply = (): { moved: number; rowsBefore: EndpointRow[] } => {
      let moved = 0;
      for (const r of remaps) {
        // A template removed by a split keeps its row as history; new traffic re-derives literals.
        if (r.to !== null && store.moveNow({ host: r.fromHost, method: r.method, template: r.from }, { host: r.toHost, template: r.to })) moved++;
      }
      // Only the concrete path was pinned when split --path is used; read the rows before saving.
      const rowsBefore = action === 'split' && opts.path !== undefined ? store.list() : [];
      store.saveTemplaterState(templater.state(), Date.now() / 1000);
      const result = store.commit();
      if (result.error) throw result.error;
      return { moved, rowsBefore };
    };
    const target = `${method ?? '*'} ${opts.host !== undefined ? normalizeHost(opts.host) : '*'}${template ?? opts.path ?? ''}`;
    let done: { moved: number; rowsBefore: EndpointRow[] };
    try {
      done = cliAuditTrail(map.db, map.file, config).audited(apply, ({ moved }) => ({
        actor: localActor(),
        action: `endpoint.${action}`,
        target,
        details: { ...(template !== undefined ? { template } : {}), ...(opts.path !== undefined ? { path: opts.path } : {}), remapped: remaps.length, moved },
      })).result;
    } catch (err) {
      if (err instanceof StoreError) throw new CliFailure(`endpoint ${action} not saved (nor its audit record): ${err.message}`);
      throw err;
    }
    process.stdout.write(outcome(action, template, opts, remaps, done.moved, done.rowsBefore));
    return 0;
  } finally {
    map.db.close();
  }
}

/** One plain sentence saying what changed in the stored map, and when it does not, why. */
function outcome(action: Correction, template: string | undefined, opts: EditOptions, remaps: readonly Remap[], moved: number, rows: readonly EndpointRow[]): string {
  if (action !== 'split') {
    return `${action}: ${template} is a fixed endpoint template; ${moved} stored endpoint(s) folded into it\n`;
  }
  const host = normalizeHost(opts.host as string);
  const method = (opts.method as string).toUpperCase();
  if (opts.path !== undefined) {
    const literal = '/' + splitPath(opts.path).map((s) => s.literal).join('/');
    const covering = coveringRow(rows, host, method, literal);
    const now = `split: ${method} ${host}${literal} is pinned as its own endpoint from the next replay or run`;
    if (!covering) return `${now}; no stored endpoint covers it yet\n`;
    if (covering.template === literal) return `split: ${method} ${host}${literal} already is its own stored endpoint; it stays literal\n`;
    // The map keeps one call count per template, not per concrete path: past calls cannot be taken apart.
    return `${now}; its past calls stay in ${covering.template} (${covering.calls} calls), which keeps no per-path counts\n`;
  }
  if (remaps.length === 0) return `split: nothing to undo: ${method} ${host}${template} is not a merged template of the stored map\n`;
  return `split: ${remaps.length} template(s) under ${template} removed; their stored rows stay as history and new traffic is counted per concrete path\n`;
}
