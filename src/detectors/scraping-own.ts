// Whether a regular, broad client is only doing what it always does: a service integration (an API
// key syncing a catalogue every hour) is regular by nature. Its own identity baseline — out of its
// learning period — must show both the cadence (most of its learned think times fall within a
// factor of two of the current one) and the volume (its current 10-minute request count within a
// margin of its own busy 10-minute windows). A person's account driven by a script fails one of
// them: people's think times spread over many octaves, and a scrape outpaces their 10-minute counts.
import type { FeatureView, IdentityBaseline } from '../features/types';

export interface OwnBaselineOptions {
  /** Share of the identity's learned gaps near the current cadence for it to count as its nature. */
  readonly cadenceShare: number;
  /** Current 10-minute requests may reach this multiple of its own 90th-percentile window. */
  readonly rateMargin: number;
  /** Completed active 10-minute windows its history must hold. */
  readonly minWindows: number;
}

export interface OwnBaseline {
  /** The identity is scored and both its cadence and its volume cover what it does now. */
  readonly holds: boolean;
  /** Share of its learned gaps within a factor of two of the current cadence. */
  readonly cadenceShare: number;
  /** Requests in the last 10 minutes (sliding estimate). */
  readonly tenMinuteRequests: number;
  /** 90th percentile of its completed 10-minute windows; 0 without history. */
  readonly tenMinuteP90: number;
}

const scratch = new Float64Array(256);

/**
 * Bin of a gap in the identity's think-time histogram (features/log-histogram.ts): bin 0 under
 * 1 ms, bin b covers [2^(b-1), 2^b) ms, the last bin everything longer.
 */
function thinkBin(seconds: number, bins: number): number {
  const ms = seconds * 1000;
  if (ms < 1) return 0;
  return Math.min(bins - 1, Math.floor(Math.log2(ms)) + 1);
}

export function ownBaseline(view: FeatureView, id: IdentityBaseline, now: number, gapSec: number, opts: OwnBaselineOptions): OwnBaseline {
  const think = id.think;
  const bin = thinkBin(gapSec, think.length);
  let total = 0;
  let near = 0;
  for (let b = 0; b < think.length; b++) {
    const c = think[b] as number;
    total += c;
    if (b >= bin - 1 && b <= bin + 1) near += c;
  }
  const cadenceShare = total === 0 ? 0 : near / total;
  const tenMinuteRequests = id.tenMinutes?.estimate(0, now) ?? 0;
  const history = id.tenMinuteHistory;
  let tenMinuteP90 = 0;
  const rows = history === null ? 0 : Math.min(history.count, scratch.length);
  if (history !== null && rows > 0) {
    history.column(0, scratch);
    const sorted = scratch.subarray(0, rows).sort();
    tenMinuteP90 = sorted[Math.min(rows - 1, Math.floor(0.9 * rows))] as number;
  }
  const holds =
    view.scored(id, now) && rows >= opts.minWindows && cadenceShare >= opts.cadenceShare && tenMinuteRequests <= opts.rateMargin * tenMinuteP90;
  return { holds, cadenceShare, tenMinuteRequests, tenMinuteP90 };
}
