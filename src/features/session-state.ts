// One open session: a run of one identity's requests with idle gaps under
// `features.sessionIdleSec`. Keyed by the identity stage's session id (one identity may hold several
// at once: behind one IP, each user agent is its own session there), else by the identity itself.
// Sessions live in their own bounded table; when one ends its feature vector goes to the session
// listeners (feature-view.ts) and it is removed.
import { SKETCH_REGISTERS, sketchAdd, sketchEstimate } from './distinct-sketch';
import type { IdentityBaseline } from './identity-baseline';
import { METRICS, M_BYTES, M_ID_REQUESTS, M_NEW_FIELDS, M_RECORDS, M_REQUESTS, M_UNSEEN_IDS, type Observation } from './metrics';

const SESSION_TEMPLATES = 0;
const SESSION_IDS = SKETCH_REGISTERS;

export class SessionState {
  last: number;
  /** Sums of the metrics over the session (metrics.ts order). */
  readonly counts = new Float64Array(METRICS);
  /** Gaps between the session's requests: how many, and the sum of their log2 (geometric mean). */
  thinkCount = 0;
  thinkLog2Sum = 0;
  /** Requests that came from another IP than the request before. */
  ipChanges = 0;
  lastIp = '';
  /** Distinct templates and object ids of the session. */
  readonly sketches = new Uint8Array(2 * SKETCH_REGISTERS);
  dirty = false;
  evicted = false;

  constructor(
    readonly key: string,
    readonly identity: IdentityBaseline,
    readonly start: number,
  ) {
    this.last = start;
  }

  count(o: Observation, gap: number, clientIp: string): void {
    if (o.ts > this.last) this.last = o.ts;
    const c = this.counts;
    c[M_REQUESTS] = (c[M_REQUESTS] as number) + 1;
    if (o.error >= 0) c[o.error] = (c[o.error] as number) + 1;
    c[M_BYTES] = (c[M_BYTES] as number) + o.bytes;
    c[M_RECORDS] = (c[M_RECORDS] as number) + o.records;
    c[M_ID_REQUESTS] = (c[M_ID_REQUESTS] as number) + o.idRequest;
    c[M_UNSEEN_IDS] = (c[M_UNSEEN_IDS] as number) + o.unseenId;
    c[M_NEW_FIELDS] = (c[M_NEW_FIELDS] as number) + o.newFields;
    if (gap >= 0) {
      this.thinkCount++;
      // a millisecond floor keeps pipelined requests (gap 0) finite in the log
      this.thinkLog2Sum += Math.log2(Math.max(gap, 0.001));
    }
    if (this.lastIp !== '' && this.lastIp !== clientIp) this.ipChanges++;
    this.lastIp = clientIp;
  }

  addTemplate(hash: number): void {
    sketchAdd(this.sketches, SESSION_TEMPLATES, hash);
  }

  addId(hash: number): void {
    sketchAdd(this.sketches, SESSION_IDS, hash);
  }

  distinctTemplates(): number {
    return sketchEstimate(this.sketches, SESSION_TEMPLATES);
  }

  distinctIds(): number {
    return sketchEstimate(this.sketches, SESSION_IDS);
  }

  /** Geometric mean of the gaps in seconds; 0 with fewer than two requests. */
  thinkTimeGeoMean(): number {
    return this.thinkCount === 0 ? 0 : 2 ** (this.thinkLog2Sum / this.thinkCount);
  }
}
