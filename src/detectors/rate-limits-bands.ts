// The hour-of-week bands rate limits are learned in. A week's traffic has three regimes in most
// deployments: weekday working hours (people and the jobs that serve them), weekday nights (batch
// jobs, other time zones, little interactive use) and weekends. More bands would split one client's
// few peaks into samples too small to trust; one band would let a night-time pull hide under the
// daytime peak. Band boundaries are local hours of the site (`utcOffsetHours`), on packet time.
import { EPOCH_HOUR_OF_WEEK, HOURS_PER_WEEK } from '../core/hour-of-week';

export const BAND_NAMES = ['weekday-day', 'weekday-night', 'weekend'] as const;
/** Words for a summary sentence, by band (the pooled one last). */
export const BAND_LABELS = ['weekday working hours', 'weekday nights', 'weekends', 'all hours'] as const;
export const BANDS = BAND_NAMES.length;
/** Index of the pooled statistics (every band together): the fallback while a band has too little history. */
export const POOLED = BANDS;
/** Name of the pooled band in the database and `tapwatch limits`. */
export const POOLED_NAME = 'any';

export interface BandClock {
  /** First local hour (0–23) of a working day. */
  readonly workdayStartHour: number;
  /** Local hour (1–24) the working day ends at (exclusive). */
  readonly workdayEndHour: number;
  /** The site's offset from UTC in hours (e.g. 1 for CET, -5 for EST). */
  readonly utcOffsetHours: number;
}

/** The band (index into BAND_NAMES) of packet time `ts`. */
export function bandOf(ts: number, clock: BandClock): number {
  const localHour = Math.floor((ts + clock.utcOffsetHours * 3600) / 3600);
  const hourOfWeek = (((localHour + EPOCH_HOUR_OF_WEEK) % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
  if (hourOfWeek >= 5 * 24) return 2;
  const hourOfDay = hourOfWeek % 24;
  return hourOfDay >= clock.workdayStartHour && hourOfDay < clock.workdayEndHour ? 0 : 1;
}

/** The local day number of `ts` (distinct days of history make a limit more trustworthy than one busy day). */
export function localDay(ts: number, clock: BandClock): number {
  return Math.floor((ts + clock.utcOffsetHours * 3600) / 86400);
}

/** The band's name, the pooled one included. */
export function bandName(band: number): string {
  return band === POOLED ? POOLED_NAME : (BAND_NAMES[band] ?? POOLED_NAME);
}
