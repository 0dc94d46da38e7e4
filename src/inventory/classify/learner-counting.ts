// Small counting helpers of the endpoint learner: histogram bumps (bounded or not), merges of
// histograms and time spans, and the keys the learner files counts under (status class, media
// type, sensitive field). Split from accumulator.ts so the learner reads as what it learns.
import type { Direction, ParamLocation, PiiKind } from './types';

/** Adds `by` to `rec[k]` and returns the new count (1 on a first sighting of a unit bump). */
export function bump<K extends string>(rec: Partial<Record<K, number>>, k: K, by = 1): number {
  const n = (rec[k] ?? 0) + by;
  rec[k] = n;
  return n;
}

export function bumpBounded(rec: Record<string, number>, k: string, max: number): boolean {
  if (rec[k] === undefined && Object.keys(rec).length >= max) return false;
  rec[k] = (rec[k] ?? 0) + 1;
  return true;
}

export function statusClass(status: number | null): string {
  return status === null ? 'none' : `${Math.floor(status / 100)}xx`;
}

export function mediaType(ct: string | null | undefined): string | null {
  if (!ct) return null;
  const semi = ct.indexOf(';');
  return (semi >= 0 ? ct.slice(0, semi) : ct).trim().toLowerCase().slice(0, 100);
}

export const piiKey = (direction: Direction, location: ParamLocation, field: string, kind: PiiKind): string =>
  `${direction}\u0000${location}\u0000${field}\u0000${kind}`;

export function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

export function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

export function addAll<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>>): void {
  for (const [k, n] of Object.entries(from) as Array<[K, number]>) bump(into, k, n);
}

/** Like `bumpBounded` for whole counts: a key that does not fit is dropped (as `observe` drops it). */
export function addBounded(into: Record<string, number>, from: Record<string, number>, max: number): void {
  for (const [k, n] of Object.entries(from)) {
    if (into[k] === undefined && Object.keys(into).length >= max) continue;
    into[k] = (into[k] ?? 0) + n;
  }
}
