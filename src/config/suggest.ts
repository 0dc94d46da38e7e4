// "Did you mean" for unknown config keys: the closest allowed key by edit distance, where swapping
// two neighbouring letters counts as one edit (`inventroy` → `inventory`) and snake_case or a
// different letter case of an allowed key is an exact match (`buffer_size_bytes` → `bufferSizeBytes`).

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

const normalise = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

/** The allowed key `unknown` was most likely meant to be, or undefined when none is close. */
export function closestKey(unknown: string, allowed: readonly string[]): string | undefined {
  const plain = normalise(unknown);
  const exact = allowed.find((key) => normalise(key) === plain);
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const key of allowed) {
    const distance = editDistance(plain, normalise(key));
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  // one edit per three letters: `secrte` → `secret`, but `foo` suggests nothing
  const limit = Math.max(1, Math.floor(Math.max(plain.length, 3) / 3));
  return bestDistance <= limit ? best : undefined;
}
