// What the steps of path templating share: the options, host trees, tenant gates, fixed templates
// and counts of one PathTemplater (templater.ts), which implements this interface and passes itself
// to the steps in derive.ts, evidence-gate.ts, borrowing.ts, fixed-set.ts and host-folding.ts.
// Split from templater.ts so those steps can live in files of their own.
import type { CompiledFixed } from './fixed';
import type { HostGate, HostState } from './tree';
import type { TemplatingOptions } from './types';

export interface TemplaterCounters {
  /** observe() calls. */
  observations: number;
  /** Evidence-gate merges of sibling literals into `{name:str}`. */
  evidenceMerges: number;
  /** Tenant host folds into `{tenant}.suffix`. */
  hostFolds: number;
  /** Observations answered `/{overflow}` because maxTemplatesPerHost was reached. */
  overflowTemplates: number;
  /** Observations sent to host `{overflow}` because maxHosts was reached. */
  overflowHosts: number;
  /** New literals sent to `{overflow}` (or hosts not tracked) because maxPendingPerParent was reached. */
  overflowPending: number;
  /** Paths longer than maxSegments. */
  truncatedPaths: number;
  specMatches: number;
  approvedMatches: number;
  /** Segments whose percent-escapes are not UTF-8 (kept raw). */
  undecodableSegments: number;
  /** Junk values (`NaN`, `null`, `{id}`...) seen at a parameter position (folded into it, or in a fixed template's parameter). */
  junkValues: number;
  /** Typed parameters (`{alnum}`, `{int}`...) folded into the `{str}` parameter at their position. */
  typedFolds: number;
  /** Key-less values of one method joined to the parameter a sibling method (or a fixed template) has at that position. */
  borrowedValues: number;
  hosts: number;
  templates: number;
  fixedTemplates: number;
}

/** The running counts of a templater (the sizes in TemplaterCounters are computed when asked); saved with its state. */
export function newTemplaterCounts(): Omit<TemplaterCounters, 'hosts' | 'templates' | 'fixedTemplates'> {
  return {
    observations: 0,
    evidenceMerges: 0,
    hostFolds: 0,
    overflowTemplates: 0,
    overflowHosts: 0,
    overflowPending: 0,
    truncatedPaths: 0,
    specMatches: 0,
    approvedMatches: 0,
    undecodableSegments: 0,
    junkValues: 0,
    typedFolds: 0,
    borrowedValues: 0,
  };
}

export type TemplaterCounts = ReturnType<typeof newTemplaterCounts>;

export interface TemplaterCore {
  readonly opts: Readonly<TemplatingOptions>;
  /** Host trees by host key (a host, `{tenant}.suffix` or `{overflow}`). */
  readonly hosts: Map<string, HostState>;
  /** Tenant folding gates by host suffix. */
  readonly gates: Map<string, HostGate>;
  /** Fixed templates (spec and user) in insertion order. */
  readonly fixed: CompiledFixed[];
  /** Fixed templates indexed by normalised host (or `*`). */
  readonly fixedByHost: Map<string, CompiledFixed[]>;
  readonly ctr: TemplaterCounts;
}
