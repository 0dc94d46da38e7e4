// Analysts' false-positive verdicts raise a detector's threshold for the identity and the endpoint
// they were given on: each alert whose latest verdict is false-positive multiplies that detector's
// thresholds for its identity (or client) and for its endpoint by `stepFactor`, up to `maxFactor`.
// Read from the alerts table at start and again on a flush whenever the feedback table changed (the
// only I/O, on the packet clock's flush ticks), bounded by `maxEntries` (the most judged first).
import type { Counters } from '../core/counters';
import type { EndpointRef } from '../core/finding';
import type { TransactionConsumer } from '../http/consumer';
import type { Db } from '../store/database';
import type { FeedbackTuningConfig } from './config';
import type { FeedbackTuning } from './index';

export const C_FEEDBACK_VERDICTS = 'detectors.feedback.verdicts';
export const C_FEEDBACK_OVERFLOW = 'detectors.feedback.entries_overflow';

interface JudgedRow {
  type: string;
  who: string | null;
  host: string | null;
  method: string | null;
  template: string | null;
  n: number;
}

function whoKey(detector: string, who: string): string {
  return `${detector}\n${who}`;
}

function endpointKey(detector: string, e: EndpointRef): string {
  return `${detector}\n${e.method} ${e.host}${e.template}`;
}

export class StoredFeedbackTuning implements FeedbackTuning {
  private byWho = new Map<string, number>();
  private byEndpoint = new Map<string, number>();
  private lastFeedbackId = -1;
  private verdicts = 0;

  constructor(
    private readonly db: Db,
    private readonly config: Readonly<FeedbackTuningConfig>,
    private readonly counters: Counters,
  ) {
    this.refresh();
  }

  factor(detector: string, identity: string | null, endpoint: EndpointRef | null): number {
    if (this.verdicts === 0) return 1;
    const n = (identity === null ? 0 : (this.byWho.get(whoKey(detector, identity)) ?? 0)) + (endpoint === null ? 0 : (this.byEndpoint.get(endpointKey(detector, endpoint)) ?? 0));
    return n === 0 ? 1 : Math.min(this.config.maxFactor, this.config.stepFactor ** n);
  }

  /** Re-reads the verdicts when the feedback table changed since the last read. */
  refresh(): void {
    const last = (this.db.prepare('SELECT MAX(id) FROM feedback').pluck().get() as number | null) ?? 0;
    if (last === this.lastFeedbackId) return;
    this.lastFeedbackId = last;
    const rows = this.db
      .prepare(
        `SELECT type, COALESCE(identity, client) AS who, host, method, template, COUNT(*) AS n FROM alerts
         WHERE verdict = 'false-positive' GROUP BY type, who, host, method, template ORDER BY n DESC LIMIT ?`,
      )
      .all(this.config.maxEntries + 1) as JudgedRow[];
    if (rows.length > this.config.maxEntries) {
      rows.length = this.config.maxEntries;
      this.counters.inc(C_FEEDBACK_OVERFLOW);
    }
    const byWho = new Map<string, number>();
    const byEndpoint = new Map<string, number>();
    let verdicts = 0;
    for (const r of rows) {
      verdicts += r.n;
      if (r.who !== null) byWho.set(whoKey(r.type, r.who), (byWho.get(whoKey(r.type, r.who)) ?? 0) + r.n);
      if (r.host !== null && r.method !== null && r.template !== null) {
        const k = endpointKey(r.type, { host: r.host, method: r.method, template: r.template });
        byEndpoint.set(k, (byEndpoint.get(k) ?? 0) + r.n);
      }
    }
    if (verdicts > this.verdicts) this.counters.inc(C_FEEDBACK_VERDICTS, verdicts - this.verdicts);
    this.byWho = byWho;
    this.byEndpoint = byEndpoint;
    this.verdicts = verdicts;
  }

  /** A pipeline consumer that re-reads on flush ticks. */
  consumer(): TransactionConsumer {
    return {
      name: 'feedback-tuning',
      onTransaction() {},
      flush: () => this.refresh(),
    };
  }
}
