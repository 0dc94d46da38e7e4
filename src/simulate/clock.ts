// The simulated clock: every time in the scenario is integer microseconds since the epoch, placed
// over D days from a fixed start (a Monday, 00:00 UTC), whatever the wall clock says.
export const US_PER_SEC = 1_000_000;
export const US_PER_MIN = 60 * US_PER_SEC;
export const US_PER_HOUR = 60 * US_PER_MIN;
export const US_PER_DAY = 24 * US_PER_HOUR;

/** Default start of a scenario: Monday 2026-03-02 00:00:00 UTC. */
export const DEFAULT_START = Date.UTC(2026, 2, 2) * 1000;

export function secondsOf(us: number): number {
  return us / US_PER_SEC;
}

/** Day of week in a UTC offset (0 = Sunday). */
export function localWeekday(us: number, utcOffsetHours: number): number {
  return new Date((us + utcOffsetHours * US_PER_HOUR) / 1000).getUTCDay();
}

export function isWeekend(us: number, utcOffsetHours: number): boolean {
  const d = localWeekday(us, utcOffsetHours);
  return d === 0 || d === 6;
}

/** The UTC instant of local hour `hour` (fractional) on scenario day `day`. */
export function atLocalHour(startUs: number, day: number, hour: number, utcOffsetHours: number): number {
  return Math.round(startUs + day * US_PER_DAY + (hour - utcOffsetHours) * US_PER_HOUR);
}

/** HTTP-date (RFC 9110 IMF-fixdate) of a simulated instant. */
export function httpDate(us: number): string {
  return new Date(Math.floor(us / 1000)).toUTCString();
}
