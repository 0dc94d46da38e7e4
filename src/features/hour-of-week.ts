// When an identity or endpoint is active: 168 hour-of-week counters (Monday 00:00 UTC is 0) on
// packet time. 8-bit counts, halved together when one would overflow, so the shape survives.

import { hourOfWeek, HOURS_PER_WEEK } from '../core/hour-of-week';

export { hourOfWeek, HOURS_PER_WEEK };

/** Counts one request at hour of week `h` (hourOfWeek(ts)). */
export function profileAdd(profile: Uint8Array, h: number): void {
  if ((profile[h] as number) === 0xff) {
    for (let i = 0; i < HOURS_PER_WEEK; i++) profile[i] = (profile[i] as number) >>> 1;
  }
  profile[h] = (profile[h] as number) + 1;
}

export function profileTotal(profile: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < HOURS_PER_WEEK; i++) total += profile[i] as number;
  return total;
}

/**
 * Activity at the hour of week of `ts` relative to the average hour: 1 = as usual as any hour,
 * 0 = never active at this hour, 168 = only ever active at this hour. 0 for an empty profile.
 */
export function hourOfWeekActivity(profile: Uint8Array, ts: number): number {
  const total = profileTotal(profile);
  return total === 0 ? 0 : ((profile[hourOfWeek(ts)] as number) * HOURS_PER_WEEK) / total;
}

/** The same over the hour of day (all weekdays folded): needs less history to be meaningful. */
export function hourOfDayActivity(profile: Uint8Array, ts: number): number {
  const total = profileTotal(profile);
  if (total === 0) return 0;
  const hod = hourOfWeek(ts) % 24;
  let atHour = 0;
  for (let d = 0; d < 7; d++) atHour += profile[d * 24 + hod] as number;
  return (atHour * 24) / total;
}
