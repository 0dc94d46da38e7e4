// Bindings and classification over a stored endpoint map, for the commands that read the database
// (`tapwatch specs`, `endpoints --status orphan`, `doctor`): the same decisions the running
// inventory makes, taken from all stored endpoints at once.
import type { SpecBindingConfig } from './config';
import type { EndpointRow } from './endpoint-store';
import { toObserved } from './observed';
import type { EndpointDiff, ImportedSpec } from './openapi/types';
import type { ApiEvidence } from './spec-binding';
import { SpecClassifier } from './spec-classifier';

export interface StoredClassification {
  classifier: SpecClassifier;
  /** Per row, in order: its diff against the specs bound to its host, or null ("no spec"). */
  diffs: (EndpointDiff | null)[];
  /** host → api → distinct operations and undocumented endpoints seen there (binding evidence). */
  evidence: Map<string, Map<string, { operations: number; undocumented: number }>>;
}

export function classifyStoredMap(rows: readonly EndpointRow[], specs: readonly ImportedSpec[], config: Readonly<SpecBindingConfig>): StoredClassification {
  const classifier = new SpecClassifier(specs, config);
  const observed = rows.map(toObserved);
  const byHost = new Map<string, ApiEvidence[][]>();
  observed.forEach((o) => {
    const list = byHost.get(o.host) ?? [];
    list.push(classifier.evidence(o));
    byHost.set(o.host, list);
  });
  const evidence = new Map<string, Map<string, { operations: number; undocumented: number }>>();
  for (const [host, lists] of byHost) {
    classifier.rebind(host, lists);
    const perApi = new Map<string, { ops: Set<string>; undocumented: number }>();
    for (const e of lists.flat()) {
      const t = perApi.get(e.api) ?? { ops: new Set<string>(), undocumented: 0 };
      if (e.operation !== undefined) t.ops.add(e.operation);
      else t.undocumented++;
      perApi.set(e.api, t);
    }
    evidence.set(host, new Map([...perApi].map(([api, t]) => [api, { operations: t.ops.size, undocumented: t.undocumented }])));
  }
  return { classifier, diffs: observed.map((o) => classifier.classify(o)), evidence };
}
