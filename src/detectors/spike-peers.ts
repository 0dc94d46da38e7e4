// The spike detector's peers: how many requests one client (identity) sends in one active minute,
// over all clients and per hour of day, learned from every client-minute that closes (log
// histograms of fixed size, no samples kept). A client without history of its own is judged against
// a busy minute of a typical client; a known one is allowed more at the hour every client is busier
// (the daily peak), by the ratio of that hour's busy minute to the overall one.
import type { IdentityBaseline } from '../features/types';
import { hourOfDay, LogHistogram, newestInHistory } from './bulk-pull-stats';

/** An hour of day needs this share of the overall minimum before its own quantile is trusted. */
const HOUR_WARM_SHARE = 0.25;
/** The shared peak compares typical minutes (medians): a busy tail of the overall mix is not the norm of the hour. */
const SHARED_QUANTILE = 0.5;

export class SpikePeers {
  readonly all = new LogHistogram();
  readonly byHour: LogHistogram[] = Array.from({ length: 24 }, () => new LogHistogram());
  /** Clients that closed their first active minute (how many distinct clients taught the histograms). */
  clients = 0;

  constructor(
    private readonly quantile: number,
    private readonly minMinutes: number,
    private readonly minClients: number,
    private readonly maxSharedPeak: number,
  ) {}

  /** After the features stage counted a transaction: the identity's minute that just closed is one sample. */
  observe(id: IdentityBaseline, ts: number): void {
    if (id.minute.cur(0) !== 1 || id.requests <= 1 || id.minuteHistory.count === 0) return;
    const n = newestInHistory(id.minuteHistory, 0);
    if (id.minuteHistory.count === 1) this.clients++;
    this.all.add(n);
    (this.byHour[hourOfDay(ts)] as LogHistogram).add(n);
  }

  /** Enough client-minutes from enough clients to say what a busy minute of a typical client is. */
  warm(): boolean {
    return this.all.total >= this.minMinutes && this.clients >= this.minClients;
  }

  /** A busy minute of a typical client at the hour of `ts` (the overall one, or that hour's when higher and known). */
  norm(ts: number): number {
    const overall = this.all.quantile(this.quantile);
    const hour = this.byHour[hourOfDay(ts)] as LogHistogram;
    return hour.total >= this.minMinutes * HOUR_WARM_SHARE ? Math.max(overall, hour.quantile(this.quantile)) : overall;
  }

  /** How much busier the typical client is at the hour of `ts` than overall (1 to maxSharedPeak). */
  sharedPeak(ts: number): number {
    if (!this.warm()) return 1;
    const overall = this.all.quantile(SHARED_QUANTILE);
    const hour = this.byHour[hourOfDay(ts)] as LogHistogram;
    if (overall <= 0 || hour.total < this.minMinutes * HOUR_WARM_SHARE) return 1;
    return Math.min(this.maxSharedPeak, Math.max(1, hour.quantile(SHARED_QUANTILE) / overall));
  }
}
