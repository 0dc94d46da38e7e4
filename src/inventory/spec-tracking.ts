// The inventory's side of the specs: which hosts each spec is bound to (from the evidence of the
// endpoints of each host), the classification of changed endpoints against the specs bound to
// their host, the events that report both, and the spec templates of the bound hosts.
import type { Counters } from '../core/counters';
import type { HttpTransaction } from '../http/types';
import type { LearnOptions } from './classify';
import type { InventoryConfig } from './config';
import type { EndpointRow, SpecDetail } from './endpoint-store';
import { specTemplateEntries, type ImportedSpec, type ObservedEndpoint, type SpecTemplateEntry } from './openapi';
import { toObserved } from './observed';
import { learnOptionsForSpecs } from './spec-auth';
import type { Binding } from './spec-binding';
import { SpecClassifier, type BindingChange } from './spec-classifier';
import { rowOf, type Tracked } from './tracked';
import type { InventoryEvent } from './types';

export class SpecTracking {
  private specs: readonly ImportedSpec[] = [];
  private classifier: SpecClassifier | null = null;
  /** Endpoints per host: a host's bindings are decided on the evidence of all of them. */
  private readonly byHost = new Map<string, Set<Tracked>>();
  /** Some spec can bind a host by its name alone (checked once per transaction of a new host). */
  private bindsByName = false;
  /** Transactions since the specs were (re)loaded, for the unbound-spec warning. */
  private txSinceSpecs = 0;
  private readonly warnedUnbound = new Set<string>();
  /** Bindings changed: the spec templates of the bound hosts must be replaced. */
  templatesStale = false;
  /** Classification options: the default credential names plus those the specs declare. */
  learnOptions: LearnOptions = learnOptionsForSpecs([]);

  constructor(
    private readonly config: Readonly<InventoryConfig>,
    private readonly counters: Counters,
    private readonly emit: (event: InventoryEvent) => void,
    /** An endpoint must be classified again (its host's bindings changed). */
    private readonly markDirty: (t: Tracked) => void,
  ) {}

  get active(): boolean {
    return this.classifier !== null;
  }

  /**
   * New specs: bindings are decided again from every endpoint's evidence. `report` says whether the
   * resulting bindings are news (a reload) or the state restored at start.
   */
  load(specs: readonly ImportedSpec[], endpoints: Iterable<Tracked>, report: boolean, ts: number): void {
    this.specs = specs;
    this.learnOptions = learnOptionsForSpecs(specs);
    this.classifier = specs.length > 0 ? new SpecClassifier(specs, this.config.specBinding) : null;
    this.bindsByName = this.classifier?.bindsByName ?? false;
    this.txSinceSpecs = 0;
    this.warnedUnbound.clear();
    if (this.classifier) {
      for (const t of endpoints) t.evidence = this.classifier.evidence(toObserved(rowOf(t)));
      for (const host of this.byHost.keys()) {
        const change = this.rebindHost(host);
        if (change && report) this.reportBinding(change, ts);
      }
    }
    this.templatesStale = true;
  }

  bindings(): Binding[] {
    return this.classifier?.allBindings() ?? [];
  }

  /**
   * Before a transaction is templated: a host a spec names (configured pattern, or its server URL)
   * is bound before its first path is templated, so the spec's templates apply from its first call.
   * True when the spec templates must be replaced now.
   */
  beforeTransaction(host: string, tx: HttpTransaction): boolean {
    this.txSinceSpecs++;
    if (!this.bindsByName || this.byHost.has(host)) return false;
    const change = this.classifier?.rebind(host, [], tx.server);
    if (!change) return false;
    this.reportBinding(change, tx.ts);
    return true;
  }

  /** New evidence from the changed endpoints, then the bindings of their hosts. */
  rebindHostsOf(changed: readonly Tracked[], observed: readonly ObservedEndpoint[], now: number): void {
    const classifier = this.classifier;
    if (!classifier) return;
    const hosts = new Set<string>();
    changed.forEach((t, i) => {
      const o = observed[i];
      if (o) t.evidence = classifier.evidence(o);
      hosts.add(t.host);
    });
    for (const host of hosts) {
      const change = this.rebindHost(host);
      if (change) this.reportBinding(change, now);
    }
  }

  /**
   * Updates each endpoint's status and reasons (and its row, about to be written) against the specs
   * bound to its host, reporting the changes.
   */
  classify(changed: readonly Tracked[], rows: readonly EndpointRow[], observed: readonly ObservedEndpoint[], now: number): void {
    const classifier = this.classifier;
    if (!classifier) return;
    changed.forEach((t, i) => {
      const o = observed[i];
      const row = rows[i];
      if (o && row) this.apply(t, row, classifier.classify(o), now);
    });
    this.warnUnbound(classifier, now);
  }

  /** The spec paths as fixed templates, on the hosts each spec is bound to. */
  templateEntries(): SpecTemplateEntry[] {
    this.templatesStale = false;
    const entries: SpecTemplateEntry[] = [];
    const byApi = new Map<string, ImportedSpec[]>();
    for (const s of this.specs) byApi.set(s.apiId, [...(byApi.get(s.apiId) ?? []), s]);
    for (const b of this.bindings()) {
      for (const e of specTemplateEntries(byApi.get(b.api) ?? [])) entries.push({ method: e.method, path: e.path, host: b.host });
    }
    return entries;
  }

  index(t: Tracked): void {
    let set = this.byHost.get(t.host);
    if (!set) this.byHost.set(t.host, (set = new Set()));
    set.add(t);
  }

  unindex(t: Tracked): void {
    const set = this.byHost.get(t.host);
    set?.delete(t);
    if (set?.size === 0) this.byHost.delete(t.host);
  }

  private apply(t: Tracked, row: EndpointRow, d: ReturnType<SpecClassifier['classify']>, now: number): void {
    const previous = t.specStatus;
    const status = d ? d.status : 'no-spec';
    const detail: SpecDetail | null =
      d && (d.drift.length > 0 || d.zombie || d.otherVersion)
        ? { drift: d.drift, ...(d.zombie ? { zombie: d.zombie } : {}), ...(d.otherVersion ? { otherVersion: d.otherVersion } : {}) }
        : null;
    const newDrift = (d?.drift ?? []).filter((x) => !t.reportedDrift.has(x.what));
    t.specStatus = status;
    t.specDetail = detail;
    row.specStatus = status;
    row.specDetail = detail;
    for (const x of newDrift) t.reportedDrift.add(x.what);
    if (previous === status && !(status === 'drift' && newDrift.length > 0)) return;
    // an endpoint on a host no spec claims was never classified: that is not news
    if (status === 'no-spec' && (previous === 'unknown' || previous === 'no-spec')) return;
    this.emit({
      type: 'inventory', event: 'spec-status', ts: now, host: t.host, method: t.method, template: t.template,
      status, previousStatus: previous, ...(detail ? { specDetail: detail } : {}),
      ...(t.learner.sensitiveKinds.length > 0 ? { sensitiveKinds: t.learner.sensitiveKinds } : {}),
      ...(t.last.client ? { client: t.last.client, server: t.last.server } : {}),
      ...(t.last.status !== null ? { httpStatus: t.last.status } : {}),
    });
  }

  /** A host's bindings from all its endpoints' evidence; on a change every endpoint there is classified again. */
  private rebindHost(host: string): BindingChange | null {
    const tracked = this.byHost.get(host);
    if (!this.classifier || !tracked) return null;
    let server: string | undefined;
    for (const t of tracked) if (t.last.server) server = t.last.server;
    const change = this.classifier.rebind(host, [...tracked].map((t) => t.evidence), server);
    if (!change) return null;
    for (const t of tracked) this.markDirty(t);
    this.templatesStale = true;
    return change;
  }

  private reportBinding(change: BindingChange, ts: number): void {
    for (const [b, state] of [...change.added.map((x) => [x, 'bound'] as const), ...change.removed.map((x) => [x, 'unbound'] as const)]) {
      this.counters.inc(`inventory.spec_binding.${state}`);
      this.emit({
        type: 'inventory', event: 'spec-binding', ts, host: change.host, method: '*', template: '*',
        binding: { api: b.api, state, reason: b.reason, operations: b.operations, undocumented: b.undocumented, ...(b.pattern ? { pattern: b.pattern } : {}) },
      });
    }
  }

  /** Once per spec: bound to no host after `warnAfterTransactions` transactions, with the likeliest host. */
  private warnUnbound(classifier: SpecClassifier, ts: number): void {
    if (this.txSinceSpecs < this.config.specBinding.warnAfterTransactions) return;
    const bound = new Set(classifier.allBindings().map((b) => b.api));
    for (const api of classifier.apis) {
      if (bound.has(api.id) || this.warnedUnbound.has(api.id)) continue;
      this.warnedUnbound.add(api.id);
      this.counters.inc('inventory.spec_binding.unbound_warning');
      const likely = this.likeliestHost(api.id);
      this.emit({
        type: 'inventory', event: 'spec-unbound', ts, host: likely?.host ?? '', method: '*', template: '*',
        binding: { api: api.id, state: 'unbound', reason: 'none', operations: likely?.operations ?? 0, undocumented: likely?.undocumented ?? 0 },
      });
    }
  }

  private likeliestHost(api: string): { host: string; operations: number; undocumented: number } | undefined {
    let best: { host: string; operations: number; undocumented: number } | undefined;
    for (const [host, tracked] of this.byHost) {
      const ops = new Set<string>();
      let undocumented = 0;
      for (const t of tracked) {
        for (const e of t.evidence) {
          if (e.api !== api) continue;
          if (e.operation !== undefined) ops.add(e.operation);
          else undocumented++;
        }
      }
      if (ops.size > 0 && (!best || ops.size > best.operations || (ops.size === best.operations && undocumented < best.undocumented))) {
        best = { host, operations: ops.size, undocumented };
      }
    }
    return best;
  }
}
