// The inventory stage: every HTTP transaction is classified (parameters, auth, sensitive data),
// its path templated per host and method, and its endpoint's learner updated. Dirty endpoints are
// written to SQLite by `flush`, which the pipeline calls on the flush ticks of its packet clock
// (daemon/pipeline.ts), so writes stay off the per-transaction path and the map survives restarts
// and grows across replays: a stored row is loaded into a learner that continues where it stopped,
// and a template merge folds the absorbed endpoint's learning into the surviving one. New endpoints
// and new sensitive-data exposures are emitted as events.
import type { StoreConfig } from '../store/config';
import type { InventoryConfig } from './config';
import type { Counters } from '../core/counters';
import type { EndpointRef } from '../core/finding';
import type { HttpTransaction } from '../http/types';
import { classifyTransaction, EndpointLearner } from './classify';
import type { EndpointRow, EndpointStore } from './endpoint-store';
import { PathTemplater, type Remap, type TemplaterState } from './templating';
import type { InventoryEvent } from './types';
import type { FlushResult } from '../store/batch-writer';
import type { ImportedSpec } from './openapi';
import type { Binding } from './spec-binding';
import { SpecTracking } from './spec-tracking';
import { SamplingPolicy } from './sampling';
import { evidenceOf, keyOf, keysOf, noteCall, rowOf, storedCount, type Tracked } from './tracked';
import { jsonPathTableResets } from './classify/json-walk';
import { toObserved } from './observed';

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
  private nextTemplaterSaveTs = 0;
  /** jsonPathTableResets() as last counted. */
  private pathTableResets = jsonPathTableResets();
  private readonly sampling: SamplingPolicy;
  private readonly specs: SpecTracking;

  constructor(
    private readonly config: Readonly<InventoryConfig>,
    private readonly storeConfig: Readonly<StoreConfig>,
    private readonly counters: Counters,
    private readonly store: EndpointStore | null,
    private readonly emit: (event: InventoryEvent) => void,
    specs: readonly ImportedSpec[] = [],
  ) {
    this.sampling = new SamplingPolicy(config, counters);
    this.specs = new SpecTracking(config, counters, emit, (t) => this.dirty.add(t));
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
        sampling: this.sampling.stored(row.stats),
        evidence: [],
        junkValues: storedCount(row.stats, 'junkValues'),
      });
    }
    for (const t of this.endpoints.values()) this.specs.index(t);
    // restored bindings are the state before this start, not news: nothing is emitted for them
    this.specs.load(specs, this.endpoints.values(), false, 0);
    this.replaceSpecTemplates();
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
    // bindings are decided again from every endpoint's evidence; the spec paths then become fixed
    // templates on the hosts they are bound to (a spec removed from the config takes its templates)
    this.specs.load(specs, this.endpoints.values(), true, this.lastTs);
    this.replaceSpecTemplates();
    for (const t of this.endpoints.values()) {
      if (specs.length === 0) t.specStatus = 'unknown';
      this.dirty.add(t);
    }
  }

  /** The current bindings of every spec's API to hosts (for logs, `tapwatch specs`). */
  specBindings(): Binding[] {
    return this.specs.bindings();
  }

  /**
   * Maps a transaction to its endpoint and learns from it; returns the endpoint (null when the call
   * has no request or the endpoint bound is hit). Writes nothing: `flush` does, on the packet clock.
   */
  observe(tx: HttpTransaction): EndpointRef | null {
    if (tx.method === null) {
      this.counters.inc('inventory.skipped.no_request');
      return null;
    }
    const host = tx.host ?? tx.server;
    const path = tx.path ?? '/';
    // Full analysis for an endpoint's first calls, then sampled calls (see Sampling): the cost per
    // endpoint is bounded while new parameters and exposures still surface on sampled calls.
    this.lastTs = tx.ts;
    const known = this.pathCache.get(host)?.get(path)?.get(tx.method) ?? this.peekEndpoint(host, tx.method, path);
    if (this.specs.beforeTransaction(host, tx)) this.replaceSpecTemplates();
    if (known && !this.sampling.shouldAnalyse(known)) {
      this.countLight(known, tx);
      return known;
    }
    const c = classifyTransaction(tx, this.specs.learnOptions, this.counters);
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
        return null;
      }
      t = { host: result.hostTemplate, method: tx.method, template: result.template, learner: new EndpointLearner(undefined, this.counters), span: { first: tx.ts, last: tx.ts }, unlearnedCalls: 0, specStatus: 'unknown', specDetail: null, reportedDrift: new Set(), last: { client: '', server: '', status: null }, sampling: this.sampling.fresh(), evidence: [], junkValues: 0 };
      this.endpoints.set(key, t);
      this.specs.index(t);
      this.counters.inc('inventory.endpoints.new');
      this.emit({ type: 'inventory', event: 'new-endpoint', ts: tx.ts, host: t.host, method: t.method, template: t.template, ...evidenceOf(tx) });
    }
    const noveltiesBefore = t.learner.noveltyCount;
    const events = t.learner.observe(c, {
      ts: tx.ts,
      client: tx.clientIp,
      status: tx.status,
      reqContentType: tx.reqContentType,
      respContentType: tx.respContentType,
      respBodyLen: tx.respBodyLen,
    });
    this.sampling.adapt(t, t.learner.noveltyCount > noveltiesBefore);
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
    return t;
  }

  /** A known endpoint for a path not in the cache, when the templater can answer without learning. */
  private peekEndpoint(host: string, method: string, path: string): Tracked | undefined {
    const peeked = this.templater.peek(host, method, path);
    if (peeked === null) return undefined;
    const t = this.endpoints.get(keyOf(peeked.hostTemplate, method, peeked.template));
    if (t) this.counters.inc('inventory.templating.peeked');
    return t;
  }

  private countLight(t: Tracked, tx: HttpTransaction): void {
    t.learner.countSampledOut(tx.status);
    t.sampling.sinceLast++;
    this.counters.inc('inventory.sampled_out');
    noteCall(t, tx);
    this.dirty.add(t);
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
    if (this.specs.active && changed.length > 0) {
      let observed = rows.map(toObserved);
      this.specs.rebindHostsOf(changed, observed, now);
      if (this.specs.templatesStale) {
        // a new binding brings the spec's templates: endpoints they cover are renamed or merged
        // before anything is reported or written under a derived name (rare: snapshots again)
        this.replaceSpecTemplates();
        changed = changed.filter((t) => this.endpoints.get(keyOf(t.host, t.method, t.template)) === t);
        rows = changed.map(rowOf);
        observed = rows.map(toObserved);
      }
      this.specs.classify(changed, rows, observed, now);
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

  /** The spec paths as fixed templates on the hosts each spec is bound to. */
  private replaceSpecTemplates(): void {
    const remaps = this.templater.replaceSpecTemplates(this.specs.templateEntries());
    this.templaterDirty = true;
    for (const remap of remaps) this.applyRemap(remap);
    if (remaps.length > 0) {
      this.counters.inc('inventory.templating.spec_remaps', remaps.length);
      this.clearPathCache();
    }
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
    this.specs.unindex(old);
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
      this.specs.index(old);
      this.dirty.add(old);
    }
  }
}
