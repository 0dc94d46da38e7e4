// Hour of the week on packet time (Monday 00:00–01:00 UTC is 0), shared by the identity records, the
// baselines' activity profiles and the detectors that band by hour.

export const HOURS_PER_WEEK = 168;
/** 1970-01-01 was a Thursday: 72 hours after Monday 00:00 UTC. */
export const EPOCH_HOUR_OF_WEEK = 72;

/** Hour of the week of a packet time, 0 = Monday 00:00–01:00 UTC. */
export function hourOfWeek(ts: number): number {
  return (Math.floor(ts / 3600) + EPOCH_HOUR_OF_WEEK) % HOURS_PER_WEEK;
}
