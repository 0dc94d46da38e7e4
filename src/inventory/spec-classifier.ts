// Classifies endpoints against the specs bound to their host (see spec-binding.ts): the binder says
// which APIs a host serves, the differ compares an endpoint with those APIs only. Bindings learned
// from traffic stick for the life of the specs (a template merge can lower the evidence that made
// them); they are recomputed from the stored endpoints at start, so a restart gives the same ones.
import type { SpecBindingConfig } from './config';
import { SpecDiffer } from './openapi/diff';
import type { EndpointDiff, ImportedSpec, ObservedEndpoint } from './openapi/types';
import { SpecBinder, type ApiEvidence, type ApiInfo, type Binding } from './spec-binding';

export interface BindingChange {
  host: string;
  added: Binding[];
  removed: Binding[];
}

export class SpecClassifier {
  readonly binder: SpecBinder;
  private readonly differ: SpecDiffer;
  /** host → api → binding */
  private readonly byHost = new Map<string, Map<string, Binding>>();

  constructor(
    readonly specs: readonly ImportedSpec[],
    config: Readonly<SpecBindingConfig>,
  ) {
    this.binder = new SpecBinder(specs, config);
    // hosts are the binder's business: the differ compares paths of the APIs it is given
    this.differ = new SpecDiffer(specs, { ignoreHosts: true });
  }

  /** Some API names its hosts (patterns or server URLs), so a new host may be bound before any evidence. */
  get bindsByName(): boolean {
    return this.binder.apiInfos.some((a) => a.patterns.length > 0 || a.serverHosts.length > 0);
  }

  get apis(): ApiInfo[] {
    return this.binder.apiInfos;
  }

  evidence(ep: ObservedEndpoint): ApiEvidence[] {
    return this.binder.evidence(ep);
  }

  /** Re-evaluates a host's bindings from the evidence of all its endpoints; says what changed. */
  rebind(host: string, evidence: Iterable<readonly ApiEvidence[]>, serverAddress?: string): BindingChange | null {
    const now = this.binder.bindingsFor(host, evidence, serverAddress);
    const before = this.byHost.get(host) ?? new Map<string, Binding>();
    const after = new Map<string, Binding>();
    for (const b of now) after.set(b.api, b);
    // learned and server bindings stick; configured ones follow the patterns exactly
    for (const [api, b] of before) if (!after.has(api) && b.reason !== 'config') after.set(api, b);
    const added = [...after.values()].filter((b) => before.get(b.api)?.reason !== b.reason);
    const removed = [...before.values()].filter((b) => !after.has(b.api));
    if (after.size > 0) this.byHost.set(host, after);
    else this.byHost.delete(host);
    return added.length > 0 || removed.length > 0 ? { host, added, removed } : null;
  }

  bindings(host: string): Binding[] {
    return [...(this.byHost.get(host)?.values() ?? [])];
  }

  allBindings(): Binding[] {
    return [...this.byHost.values()].flatMap((m) => [...m.values()]);
  }

  /** The endpoint against the APIs bound to its host; null when none is ("no spec"). */
  classify(ep: ObservedEndpoint): EndpointDiff | null {
    const bound = this.byHost.get(ep.host);
    if (!bound || bound.size === 0) return null;
    return this.differ.classify(ep, new Set(bound.keys()));
  }

  /** Operations of the newest versions with their traffic, for the APIs bound to some host. */
  operations(diffs: readonly EndpointDiff[], now: number, window: number): ReturnType<SpecDiffer['operations']> {
    return this.differ.operations(diffs, now, window);
  }
}
