// Distances between evidence key sets: what "the keys agree" means for the evidence gate, the
// typed-parameter folds and tenant host folding. Pure functions over sets of `<suffix>#<key>`
// tokens. Split from templater.ts: the measure apart from the decisions taken with it.

/** Jaccard distance of two key sets (0 = identical). */
export function jaccardDistance(a: ReadonlySet<string>, b: ReadonlySet<string> | readonly string[]): number {
  const bs = b instanceof Set ? (b as ReadonlySet<string>) : new Set(b as readonly string[]);
  if (a.size === 0 && bs.size === 0) return 0;
  let inter = 0;
  const [small, big] = a.size <= bs.size ? [a, bs] : [bs, a];
  for (const k of small) if (big.has(k)) inter++;
  return 1 - inter / (a.size + bs.size - inter);
}

/** Evidence tokens are `<suffix shape>#<key>`; a suffix shape never contains '#' (literals are encoded). */
function suffixOf(token: string): string {
  const i = token.indexOf('#');
  return i < 0 ? '' : token.slice(0, i);
}

function commonSuffixTokens(a: Iterable<string>, b: Iterable<string>): [Set<string>, Set<string>] | null {
  const sa = new Set<string>();
  const sb = new Set<string>();
  for (const t of a) sa.add(suffixOf(t));
  for (const t of b) sb.add(suffixOf(t));
  const fa = new Set<string>();
  const fb = new Set<string>();
  for (const t of a) if (sb.has(suffixOf(t))) fa.add(t);
  for (const t of b) if (sa.has(suffixOf(t))) fb.add(t);
  return fa.size === 0 && fb.size === 0 ? null : [fa, fb];
}

/**
 * Distance between two values' evidence, compared only over the path suffixes both were seen with
 * (`/users/alice` and `/users/bob/email` say nothing about each other). null: nothing comparable.
 */
export function evidenceDistance(a: Iterable<string>, b: Iterable<string>): number | null {
  const c = commonSuffixTokens(a, b);
  return c ? jaccardDistance(c[0], c[1]) : null;
}

/**
 * Does one observation fit a merged signature? Over the common suffixes, the share of the
 * observation's keys unknown to the signature must stay within the tolerance (optional keys that
 * are absent do not count against it). No common suffix: no contradiction, it fits.
 */
export function observationFits(obs: ReadonlySet<string>, signature: readonly string[], tol: number): boolean {
  const c = commonSuffixTokens(obs, signature);
  if (!c) return true;
  const [o, s] = c;
  if (o.size === 0) return true;
  let known = 0;
  for (const t of o) if (s.has(t)) known++;
  return 1 - known / o.size <= tol;
}
