// The inventory stage: every HTTP transaction is classified (parameters, auth, sensitive data),
// its path templated per host and method, and its endpoint's learner updated. Dirty endpoints are
// written to SQLite in one transaction per flush tick of packet time, so the map survives restarts
// and grows across replays: a stored row is loaded into a learner that continues where it stopped,
// and a template merge folds the absorbed endpoint's learning into the surviving one. New endpoints
// and new sensitive-data exposures are emitted as events.
import type { InventoryConfig, StoreConfig } from '../config/schema';
import type { Counters } from '../core/counters';
import type { HttpTransaction } from '../http/types';
import { classifyTransaction, EndpointLearner, type LearnOptions, type TransactionClassification } from './classify';
import type { EndpointRow, EndpointStore, SpecDetail } from './endpoint-store';
import { PathTemplater, type Remap, type TemplaterState } from './templating';
import type { InventoryEvent } from './types';
import type { FlushResult } from '../store/batch-writer';
import { specTemplateEntries, type ImportedSpec, type ObservedEndpoint } from './openapi';
import { learnOptionsForSpecs } from './spec-auth';
import type { ApiEvidence, Binding } from './spec-binding';
import { SpecClassifier, type BindingChange } from './spec-classifier';
import { jsonPathTableResets } from './classify/json-walk';
import { toObserved } from './observed';

interface Tracked {
  host: string;
  method: string;
  template: string;
  /** Everything learned, earlier runs and absorbed templates included; it also counts sampled-out calls. */
  learner: EndpointLearner;
  /** First and last call, analysed or sampled out, earlier runs included. */
  span: { first: number; last: number };
  /**
   * Calls the learner does not account for: rows written by older builds, which replaced the stored
   * statistics on relearning and dropped those of merged templates, kept only their call counts.
   */
  unlearnedCalls: number;
  /** documented / shadow / zombie / drift against the configured specs; 'unknown' without specs. */
  specStatus: string;
  specDetail: SpecDetail | null;
  /** Drift items already reported (a new one is reported again). */
  reportedDrift: Set<string>;
  /** The latest call (evidence for spec-status events). */
  last: { client: string; server: string; status: number | null };
  /** Stored with the row (`stats.sampling`) so a restart samples as an uninterrupted run would. */
  sampling: Sampling;
  /** What the endpoint says about each spec's API (binding evidence), as of its last classification. */
  evidence: ApiEvidence[];
  /** Calls whose path had junk at a parameter (`/pet/NaN`, `/user/undefined`): stored as `stats.junkValues`. */
  junkValues: number;
}

/**
 * Novelty-driven sampling state of one endpoint: after its first full-analysis calls, one call in
 * `interval` is analysed; `interval` doubles (up to `maxSampleEvery`) after `stableAnalyses`
 * analysed calls in a row brought nothing new, and drops back to `sampleEvery` when one does.
 */
interface Sampling {
  interval: number;
  quiet: number;
  sinceLast: number;
}


const keyOf = (host: string, method: string, template: string): string => `${method} ${host}${template}`;

export class Inventory {
  private readonly templater: PathTemplater;
  private readonly endpoints = new Map<string, Tracked>();
  private readonly dirty = new Set<Tracked>();
  /**
   * Concrete host → path → method → its endpoint, so sampled-out calls skip templating too. Nested
   * maps, not a `METHOD host path` key: no string is built per call.
   */
  private readonly pathCache = new Map<string, Map<string, Map<string, Tracked>>>();
  private cachedPaths = 0;
  /** The templater learned something since the last flush (its state is written then). */
  private templaterDirty = false;
  private nextFlushTs = 0;
  private nextTemplaterSaveTs = 0;
  /** jsonPathTableResets() as last counted. */
  private pathTableResets = jsonPathTableResets();
  /** Endpoints per host: a host's bindings are decided on the evidence of all of them. */
  private readonly byHost = new Map<string, Set<Tracked>>();
  private classifier: SpecClassifier | null = null;
  /** The classifier can bind a host by its name alone (checked once per transaction of a new host). */
  private bindsByName = false;
  /** Classification options: the default credential names plus those the specs declare. */
  private learnOpts: LearnOptions;
  /** Transactions since the specs were (re)loaded, for the unbound-spec warning. */
  private txSinceSpecs = 0;
  private readonly warnedUnbound = new Set<string>();
  /** Bindings changed: the spec templates for the bound hosts are replaced after the flush's writes. */
  private specTemplatesStale = false;

  constructor(
    private readonly config: Readonly<InventoryConfig>,
    private readonly storeConfig: Readonly<StoreConfig>,
    private readonly counters: Counters,
    private readonly store: EndpointStore | null,
    private readonly emit: (event: InventoryEvent) => void,
    private specs: readonly ImportedSpec[] = [],
  ) {
    const saved = store?.loadTemplaterState() as TemplaterState | null | undefined;
    this.templater = saved ? PathTemplater.fromState(saved, config.templating) : new PathTemplater(config.templating);
    for (const row of store?.list() ?? []) {
      const learner = EndpointLearner.fromSnapshot(row.stats, undefined, counters);
      this.endpoints.set(keyOf(row.host, row.method, row.template), {
        host: row.host,
        method: row.method,
        template: row.template,
        learner,
        span: { first: row.firstSeen, last: row.lastSeen },
        unlearnedCalls: Math.max(0, row.calls - learner.totalCalls),
        specStatus: row.specStatus,
        specDetail: row.specDetail ?? null,
        reportedDrift: new Set((row.specDetail?.drift ?? []).map((d) => d.what)),
        last: { client: '', server: '', status: null },
        sampling: this.storedSampling(row.stats),
        evidence: [],
        junkValues: storedCount(row.stats, 'junkValues'),
      });
    }
    for (const t of this.endpoints.values()) this.indexHost(t);
    this.learnOpts = learnOptionsForSpecs(specs);
    // restored bindings are the state before this start, not news: nothing is emitted for them
    this.loadSpecs(specs, false);
  }

  get size(): number {
    return this.endpoints.size;
  }

  /**
   * Specs changed (SIGHUP): their templates replace the old ones, and every endpoint is classified
   * again at the next flush, so status changes (a newly documented or newly deprecated endpoint)
   * are reported as spec-status events.
   */
  setSpecs(specs: readonly ImportedSpec[]): void {
    this.learnOpts = learnOptionsForSpecs(specs);
    this.loadSpecs(specs, true);
    for (const t of this.endpoints.values()) {
      if (specs.length === 0) t.specStatus = 'unknown';
      this.dirty.add(t);
    }
  }

  /**
   * New specs: bindings are decided again from every endpoint's evidence (the configured specs'
   * paths then become fixed templates on the hosts they are bound to, winning over derived ones; a
   * spec removed from the config takes its templates with it).
   */
  private loadSpecs(specs: readonly ImportedSpec[], report: boolean): void {
    this.specs = specs;
    this.classifier = specs.length > 0 ? new SpecClassifier(specs, this.config.specBinding) : null;
    this.bindsByName = this.classifier?.bindsByName ?? false;
    this.txSinceSpecs = 0;
    this.warnedUnbound.clear();
    if (this.classifier) {
      for (const t of this.endpoints.values()) t.evidence = this.classifier.evidence(toObserved(rowOf(t)));
      for (const host of this.byHost.keys()) {
        const change = this.rebindHost(host);
        if (change && report) this.reportBinding(change, this.lastTs);
      }
    }
    this.replaceSpecTemplates();
  }

  /** The current bindings of every spec's API to hosts (for logs, `tapwatch specs`). */
  specBindings(): Binding[] {
    return this.classifier?.allBindings() ?? [];
  }

  observe(tx: HttpTransaction): void {
    if (tx.method === null) {
      this.counters.inc('inventory.skipped.no_request');
      return;
    }
    const host = tx.host ?? tx.server;
    const path = tx.path ?? '/';
    // Full analysis for an endpoint's first calls, then sampled calls (see Sampling): the cost per
    // endpoint is bounded while new parameters and exposures still surface on sampled calls.
    this.txSinceSpecs++;
    this.lastTs = tx.ts;
    const known = this.pathCache.get(host)?.get(path)?.get(tx.method) ?? this.peekEndpoint(host, tx.method, path);
    if (known && !this.shouldAnalyse(known)) {
      this.countLight(known, tx);
      return;
    }
    // a host a spec names (configured pattern, or its server URL) is bound before its first path is
    // templated, so the spec's templates apply from its first call
    if (this.bindsByName && !this.byHost.has(host)) this.bindAtFirstSight(host, tx);
    const c = classifyTransaction(tx, this.learnOpts, this.counters);
    const result = this.templater.observe({
      host,
      method: tx.method,
      path,
      requestKeys: keysOf(c, 'request'),
      responseKeys: keysOf(c, 'response'),
      status: tx.status,
    });
    this.templaterDirty = true;
    if (result.remapped.length > 0) {
      for (const remap of result.remapped) this.applyRemap(remap);
      this.clearPathCache();
    }
    const key = keyOf(result.hostTemplate, tx.method, result.template);
    let t = this.endpoints.get(key);
    if (!t) {
      if (this.endpoints.size >= this.config.maxEndpoints) {
        this.counters.inc('inventory.endpoints.overflow');
        return;
      }
      t = { host: result.hostTemplate, method: tx.method, template: result.template, learner: new EndpointLearner(undefined, this.counters), span: { first: tx.ts, last: tx.ts }, unlearnedCalls: 0, specStatus: 'unknown', specDetail: null, reportedDrift: new Set(), last: { client: '', server: '', status: null }, sampling: this.freshSampling(), evidence: [], junkValues: 0 };
      this.endpoints.set(key, t);
      this.indexHost(t);
      this.counters.inc('inventory.endpoints.new');
      this.emit({ type: 'inventory', event: 'new-endpoint', ts: tx.ts, host: t.host, method: t.method, template: t.template, ...evidenceOf(tx) });
    }
    const noveltiesBefore = t.learner.noveltyCount;
    const events = t.learner.observe(c, {
      ts: tx.ts,
      client: clientIp(tx),
      status: tx.status,
      reqContentType: tx.reqContentType,
      respContentType: tx.respContentType,
      respBodyLen: tx.respBodyLen,
    });
    this.adaptSampling(t, t.learner.noveltyCount > noveltiesBefore);
    if (result.junk) {
      // `/pet/NaN`: a client bug folded into the parameter, counted where it happened
      t.junkValues += result.junk.length;
      this.counters.inc('inventory.templating.junk_values', result.junk.length);
    }
    for (const e of events) {
      const match = { ...(e.kind ? { kind: e.kind } : {}), ...(e.rule ? { rule: e.rule } : {}), ...(e.sample ? { sample: e.sample } : {}) };
      // A credential in a URL is kept by every proxy and log on the way, whoever sent it.
      if (e.type === 'credential-in-url') {
        this.emit({ type: 'inventory', event: 'credential-in-url', ts: tx.ts, host: t.host, method: t.method, template: t.template, direction: 'request', location: e.location, field: e.name, ...match, ...evidenceOf(tx) });
        continue;
      }
      // Sensitive data sent by clients (logins) is expected; what an endpoint exposes is the finding.
      if (e.type !== 'new-pii' || e.direction !== 'response') continue;
      const body =
        e.location === 'body' && c.response
          ? { bodyKind: c.response.bodyKind, ...(tx.respContentType ? { contentType: (tx.respContentType.split(';', 1)[0] ?? '').trim().toLowerCase() } : {}) }
          : {};
      this.emit({ type: 'inventory', event: 'new-sensitive-data', ts: tx.ts, host: t.host, method: t.method, template: t.template, direction: 'response', location: e.location, field: e.name, ...match, ...body, ...evidenceOf(tx) });
    }
    this.dirty.add(t);
    noteCall(t, tx);
    this.cachePath(host, path, tx.method, t);
    if (tx.ts >= this.nextFlushTs) this.flush(tx.ts);
  }

  /** A known endpoint for a path not in the cache, when the templater can answer without learning. */
  private peekEndpoint(host: string, method: string, path: string): Tracked | undefined {
    const peeked = this.templater.peek(host, method, path);
    if (peeked === null) return undefined;
    const t = this.endpoints.get(keyOf(peeked.hostTemplate, method, peeked.template));
    if (t) this.counters.inc('inventory.templating.peeked');
    return t;
  }

  private freshSampling(): Sampling {
    return { interval: this.config.sampleEvery, quiet: 0, sinceLast: 0 };
  }

  /** The sampling state a row was stored with, within the configured interval range (it may have changed). */
  private storedSampling(stats: unknown): Sampling {
    const s = typeof stats === 'object' && stats !== null ? (stats as { sampling?: Partial<Record<keyof Sampling, unknown>> }).sampling : undefined;
    const int = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : null);
    const interval = int(s?.interval);
    const quiet = int(s?.quiet);
    const sinceLast = int(s?.sinceLast);
    if (interval === null || quiet === null || sinceLast === null) return this.freshSampling();
    const { sampleEvery, maxSampleEvery } = this.config;
    return { interval: Math.min(Math.max(interval, sampleEvery), Math.max(sampleEvery, maxSampleEvery)), quiet, sinceLast };
  }

  private shouldAnalyse(t: Tracked): boolean {
    if (t.learner.snapshotCalls() < this.config.fullAnalysisCalls) return true;
    return t.sampling.sinceLast + 1 >= t.sampling.interval;
  }

  private adaptSampling(t: Tracked, novel: boolean): void {
    const s = t.sampling;
    s.sinceLast = 0;
    if (t.learner.snapshotCalls() <= this.config.fullAnalysisCalls) return;
    if (novel) {
      if (s.interval !== this.config.sampleEvery) this.counters.inc('inventory.sampling.reset');
      s.interval = this.config.sampleEvery;
      s.quiet = 0;
    } else if (++s.quiet >= this.config.stableAnalyses && s.interval < this.config.maxSampleEvery) {
      s.interval = Math.min(s.interval * 2, this.config.maxSampleEvery);
      s.quiet = 0;
      this.counters.inc('inventory.sampling.backoff');
    }
  }

  private countLight(t: Tracked, tx: HttpTransaction): void {
    t.learner.countSampledOut(tx.status);
    t.sampling.sinceLast++;
    this.counters.inc('inventory.sampled_out');
    noteCall(t, tx);
    this.dirty.add(t);
    if (tx.ts >= this.nextFlushTs) this.flush(tx.ts);
  }

  private cachePath(host: string, path: string, method: string, t: Tracked): void {
    if (this.cachedPaths >= this.config.maxCachedPaths) {
      this.clearPathCache();
      this.counters.inc('inventory.path_cache.reset');
    }
    let byPath = this.pathCache.get(host);
    if (byPath === undefined) {
      byPath = new Map();
      this.pathCache.set(host, byPath);
    }
    let byMethod = byPath.get(path);
    if (byMethod === undefined) {
      byMethod = new Map();
      byPath.set(path, byMethod);
    }
    if (!byMethod.has(method)) this.cachedPaths++;
    byMethod.set(method, t);
  }

  private clearPathCache(): void {
    this.pathCache.clear();
    this.cachedPaths = 0;
  }

  /** Writes dirty endpoints and the templater state in one transaction. */
  flush(now: number): FlushResult | null {
    this.nextFlushTs = now + this.storeConfig.flushIntervalSec;
    // at most maxRowsPerFlush, the longest-dirty first: the writes block the event loop (and capture)
    let changed: Tracked[] = [];
    for (const t of this.dirty) {
      if (changed.length >= this.storeConfig.maxRowsPerFlush) break;
      changed.push(t);
    }
    for (const t of changed) this.dirty.delete(t);
    if (this.dirty.size > 0) this.counters.inc('inventory.flush.deferred', this.dirty.size);
    const resets = jsonPathTableResets();
    if (resets > this.pathTableResets) this.counters.inc('inventory.classify.json.path_table_reset', resets - this.pathTableResets);
    this.pathTableResets = resets;
    // one snapshot per endpoint serves both the spec diff and the write
    let rows = changed.map(rowOf);
    if (this.classifier && changed.length > 0) {
      let observed = rows.map(toObserved);
      this.rebindHostsOf(this.classifier, changed, observed, now);
      if (this.specTemplatesStale) {
        // a new binding brings the spec's templates: endpoints they cover are renamed or merged
        // before anything is reported or written under a derived name (rare: snapshots again)
        this.replaceSpecTemplates();
        changed = changed.filter((t) => this.endpoints.get(keyOf(t.host, t.method, t.template)) === t);
        rows = changed.map(rowOf);
        observed = rows.map(toObserved);
      }
      this.classifyAgainstSpecs(this.classifier, changed, rows, observed, now);
    }
    for (const row of rows) this.store?.save(row);
    if (!this.store) return null;
    if (this.templaterDirty && (now >= this.nextTemplaterSaveTs || this.dirty.size === 0 && this.finalFlush)) {
      this.store.saveTemplaterState(this.templater.state(), now);
      this.templaterDirty = false;
      this.nextTemplaterSaveTs = now + this.storeConfig.templaterStateIntervalSec;
    }
    const result = this.store.commit();
    if (result.error) this.onStoreError?.(result.error);
    return result;
  }

  /** Flushes until nothing is dirty (end of replay, shutdown). */
  flushAll(now: number): void {
    this.finalFlush = true;
    try {
      do {
        const result = this.flush(now);
        if (result?.error) return; // the store refuses writes: retrying now would not help
      } while (this.dirty.size > 0);
    } finally {
      this.finalFlush = false;
    }
  }

  /** Set during flushAll: the templater state is written whatever its interval says. */
  private finalFlush = false;

  /** Told when a flush fails (disk full ...); the writes stay queued and are retried next tick. */
  onStoreError: ((err: Error) => void) | null = null;

  /**
   * Updates each endpoint's status and reasons (and its row, about to be written) against the specs
   * bound to its host, after the bindings of the hosts involved took the new evidence in.
   */
  private classifyAgainstSpecs(classifier: SpecClassifier, changed: Tracked[], rows: EndpointRow[], observed: ObservedEndpoint[], now: number): void {
    changed.forEach((t, i) => {
      const o = observed[i];
      const row = rows[i];
      if (o && row) this.applyClassification(t, row, classifier.classify(o), now);
    });
    this.warnUnboundSpecs(classifier, now);
  }

  /** New evidence from the changed endpoints, then the bindings of their hosts. */
  private rebindHostsOf(classifier: SpecClassifier, changed: Tracked[], observed: ObservedEndpoint[], now: number): void {
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

  private applyClassification(t: Tracked, row: EndpointRow, d: ReturnType<SpecClassifier['classify']>, now: number): void {
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
      ...(t.last.client ? { client: t.last.client.slice(0, t.last.client.lastIndexOf(':')), server: t.last.server } : {}),
      ...(t.last.status !== null ? { httpStatus: t.last.status } : {}),
    });
  }

  private bindAtFirstSight(host: string, tx: HttpTransaction): void {
    const change = this.classifier?.rebind(host, [], tx.server);
    if (!change) return;
    this.reportBinding(change, tx.ts);
    this.replaceSpecTemplates();
  }

  /** A host's bindings from all its endpoints' evidence; on a change every endpoint there is classified again. */
  private rebindHost(host: string): BindingChange | null {
    const tracked = this.byHost.get(host);
    if (!this.classifier || !tracked) return null;
    let server: string | undefined;
    for (const t of tracked) if (t.last.server) server = t.last.server;
    const change = this.classifier.rebind(host, [...tracked].map((t) => t.evidence), server);
    if (!change) return null;
    for (const t of tracked) this.dirty.add(t);
    this.specTemplatesStale = true;
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
  private warnUnboundSpecs(classifier: SpecClassifier, ts: number): void {
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

  /** The spec paths as fixed templates on the hosts each spec is bound to. */
  private replaceSpecTemplates(): void {
    this.specTemplatesStale = false;
    const entries = [];
    const byApi = new Map<string, ImportedSpec[]>();
    for (const s of this.specs) byApi.set(s.apiId, [...(byApi.get(s.apiId) ?? []), s]);
    for (const b of this.classifier?.allBindings() ?? []) {
      for (const e of specTemplateEntries(byApi.get(b.api) ?? [])) entries.push({ method: e.method, path: e.path, host: b.host });
    }
    const remaps = this.templater.replaceSpecTemplates(entries);
    this.templaterDirty = true;
    for (const remap of remaps) this.applyRemap(remap);
    if (remaps.length > 0) {
      this.counters.inc('inventory.templating.spec_remaps', remaps.length);
      this.clearPathCache();
    }
  }

  private indexHost(t: Tracked): void {
    let set = this.byHost.get(t.host);
    if (!set) this.byHost.set(t.host, (set = new Set()));
    set.add(t);
  }

  private unindexHost(t: Tracked): void {
    const set = this.byHost.get(t.host);
    set?.delete(t);
    if (set?.size === 0) this.byHost.delete(t.host);
  }

  /** Packet time of the latest transaction (reload events carry it). */
  private lastTs = 0;

  rows(): EndpointRow[] {
    return [...this.endpoints.values()].map(rowOf);
  }

  templaterCounters(): Record<string, number> {
    return { ...this.templater.counters() };
  }

  /** A merge folded `from` into `to`: re-key its endpoint, or fold its learning into the existing one. */
  private applyRemap(r: Remap): void {
    const oldKey = keyOf(r.fromHost, r.method, r.from);
    const old = this.endpoints.get(oldKey);
    if (!old) return;
    this.endpoints.delete(oldKey);
    this.dirty.delete(old);
    this.unindexHost(old);
    this.store?.remove(old.host, old.method, old.template);
    this.counters.inc('inventory.endpoints.remapped');
    if (r.to === null) return;
    const newKey = keyOf(r.toHost, r.method, r.to);
    const existing = this.endpoints.get(newKey);
    if (existing) {
      existing.learner.absorb(old.learner);
      existing.span.first = Math.min(existing.span.first, old.span.first);
      existing.span.last = Math.max(existing.span.last, old.span.last);
      existing.unlearnedCalls += old.unlearnedCalls;
      existing.junkValues += old.junkValues;
      this.dirty.add(existing);
    } else {
      old.host = r.toHost;
      old.template = r.to;
      this.endpoints.set(newKey, old);
      this.indexHost(old);
      this.dirty.add(old);
    }
  }
}

function storedCount(stats: unknown, key: string): number {
  const v = typeof stats === 'object' && stats !== null ? (stats as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0;
}

function clientIp(tx: HttpTransaction): string {
  return tx.client.slice(0, tx.client.lastIndexOf(':'));
}

function evidenceOf(tx: HttpTransaction): { client: string; server: string; httpStatus?: number } {
  return { client: clientIp(tx), server: tx.server, ...(tx.status !== null ? { httpStatus: tx.status } : {}) };
}

/** Every call, analysed or not: the time span and the evidence for later events. */
function noteCall(t: Tracked, tx: HttpTransaction): void {
  if (tx.ts < t.span.first) t.span.first = tx.ts;
  if (tx.ts > t.span.last) t.span.last = tx.ts;
  const l = t.last;
  l.client = tx.client;
  l.server = tx.server;
  l.status = tx.status;
}

function keysOf(c: TransactionClassification, side: 'request' | 'response'): string[] {
  const msg = side === 'request' ? c.request : c.response;
  if (!msg) return [];
  return msg.params.filter((p) => p.location === 'query' || p.location === 'body').map((p) => p.name);
}

function rowOf(t: Tracked): EndpointRow {
  const stats = t.learner.snapshot();
  return {
    host: t.host,
    method: t.method,
    template: t.template,
    firstSeen: t.span.first,
    lastSeen: t.span.last,
    calls: stats.calls + stats.sampledOutCalls + t.unlearnedCalls,
    specStatus: t.specStatus,
    specDetail: t.specDetail,
    stats: { ...stats, sampling: { ...t.sampling }, ...(t.junkValues > 0 ? { junkValues: t.junkValues } : {}) },
  };
}
