// Numeric and span options checked where they are read, so `--duration abc` is refused with a
// sentence naming the option instead of running forever or failing later with "received NaN".
import { UsageError } from './usage-error';

const UNIT_SEC: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** A number of seconds greater than 0 (`--duration 30`). */
export function positiveSeconds(option: string, text: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${option} ${text}: give a number of seconds greater than 0`);
  return n;
}

/** An integer at least `min` (`--limit 50`). */
export function integerAtLeast(option: string, text: string, min: number): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${option} ${text}: give a whole number of at least ${min}`);
  return n;
}

/** A span in seconds: `90`, `90s`, `15m`, `12h`, `30d`; greater than 0. Null when it is not a span. */
export function spanSeconds(text: string, bareUnit: 's' | null = 's'): number | null {
  const m = /^(\d+(?:\.\d+)?)([smhd])?$/.exec(text.trim());
  if (!m) return null;
  const unit = m[2] ?? bareUnit;
  if (unit === null) return null;
  const sec = Number(m[1]) * (UNIT_SEC[unit] ?? 1);
  return sec > 0 ? sec : null;
}
