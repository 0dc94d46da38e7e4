// The inventory stage: every HTTP transaction is classified (parameters, auth, sensitive data),
// its path templated per host and method, and its endpoint's learner updated. Dirty endpoints are
// written to SQLite in one transaction per flush tick of packet time, so the map survives restarts
// and grows across replays: a stored row is loaded into a learner that continues where it stopped,
// and a template merge folds the absorbed endpoint's learning into the surviving one. New endpoints
// and new sensitive-data exposures are emitted as events.
import type { InventoryConfig, StoreConfig } from '../config/schema';
import type { Counters } from '../core/counters';
import type { HttpTransaction } from '../http/types';
import { classifyTransaction, DEFAULT_LEARN_OPTIONS, EndpointLearner, type TransactionClassification } from './classify';
import type { EndpointRow, EndpointStore, SpecDetail } from './endpoint-store';
import { PathTemplater, type Remap, type TemplaterState } from './templating';
import type { InventoryEvent } from './types';
import type { FlushResult } from '../store/batch-writer';
import { diffInventory, specTemplateEntries, type ImportedSpec } from './openapi';
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
      });
    }
    // The configured specs' paths are known templates and win over derived ones; a spec removed
    // from the config takes its templates with it.
    const remaps = this.templater.replaceSpecTemplates(specTemplateEntries(specs));
    this.templaterDirty = true;
    for (const remap of remaps) this.applyRemap(remap);
    if (remaps.length > 0) this.counters.inc('inventory.templating.spec_remaps', remaps.length);
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
    this.specs = specs;
    const remaps = this.templater.replaceSpecTemplates(specTemplateEntries(specs));
    for (const remap of remaps) this.applyRemap(remap);
    this.clearPathCache();
    this.templaterDirty = true;
    for (const t of this.endpoints.values()) {
      if (specs.length === 0) t.specStatus = 'unknown';
      this.dirty.add(t);
    }
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
    const known = this.pathCache.get(host)?.get(path)?.get(tx.method) ?? this.peekEndpoint(host, tx.method, path);
    if (known && !this.shouldAnalyse(known)) {
      this.countLight(known, tx);
      return;
    }
    const c = classifyTransaction(tx, DEFAULT_LEARN_OPTIONS, this.counters);
    const result = this.templater.observe({
      host,
      method: tx.method,
      path,
      requestKeys: keysOf(c, 'request'),
      responseKeys: keysOf(c, 'response'),
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
      t = { host: result.hostTemplate, method: tx.method, template: result.template, learner: new EndpointLearner(undefined, this.counters), span: { first: tx.ts, last: tx.ts }, unlearnedCalls: 0, specStatus: 'unknown', specDetail: null, reportedDrift: new Set(), last: { client: '', server: '', status: null }, sampling: this.freshSampling() };
      this.endpoints.set(key, t);
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
    for (const e of events) {
      // Sensitive data sent by clients (logins) is expected; what an endpoint exposes is the finding.
      if (e.type !== 'new-pii' || e.direction !== 'response') continue;
      this.emit({ type: 'inventory', event: 'new-sensitive-data', ts: tx.ts, host: t.host, method: t.method, template: t.template, location: e.location, field: e.name, ...(e.kind ? { kind: e.kind } : {}), ...evidenceOf(tx) });
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
    const changed: Tracked[] = [];
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
    const rows = changed.map(rowOf);
    if (this.specs.length > 0 && changed.length > 0) this.classifyAgainstSpecs(changed, rows, now);
    if (!this.store) return null;
    for (const row of rows) this.store.save(row);
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

  /** Updates each endpoint's status and reasons (and its row, about to be written) from the specs. */
  private classifyAgainstSpecs(changed: Tracked[], rows: EndpointRow[], now: number): void {
    const diff = diffInventory(
      rows.map(toObserved),
      this.specs,
      { now, window: this.config.orphanWindowSec },
    );
    diff.endpoints.forEach((d, i) => {
      const t = changed[i];
      if (!t) return;
      const previous = t.specStatus;
      const detail: SpecDetail | null = d.drift.length > 0 || d.zombie ? { drift: d.drift, ...(d.zombie ? { zombie: d.zombie } : {}) } : null;
      const newDrift = d.drift.filter((x) => !t.reportedDrift.has(x.what));
      t.specStatus = d.status;
      t.specDetail = detail;
      const row = rows[i];
      if (row) {
        row.specStatus = d.status;
        row.specDetail = detail;
      }
      for (const x of newDrift) t.reportedDrift.add(x.what);
      if (previous === d.status && !(d.status === 'drift' && newDrift.length > 0)) return;
      this.emit({
        type: 'inventory', event: 'spec-status', ts: now, host: t.host, method: t.method, template: t.template,
        status: d.status, previousStatus: previous, ...(detail ? { specDetail: detail } : {}),
        ...(t.learner.sensitiveKinds.length > 0 ? { sensitiveKinds: t.learner.sensitiveKinds } : {}),
        ...(t.last.client ? { client: t.last.client.slice(0, t.last.client.lastIndexOf(':')), server: t.last.server } : {}),
        ...(t.last.status !== null ? { httpStatus: t.last.status } : {}),
      });
    });
  }

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
      this.dirty.add(existing);
    } else {
      old.host = r.toHost;
      old.template = r.to;
      this.endpoints.set(newKey, old);
      this.dirty.add(old);
    }
  }
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
    stats: { ...stats, sampling: { ...t.sampling } },
  };
}
