// Which flagged requests make a finding. One request over the model's threshold is not enough: on
// benign JSON-API traffic the model flags about 2% of requests with a payload (a password ending in
// `#`, a field holding a URL), and an analyst cannot act on one odd value. Attack tools and people
// probing a parameter send many variants, so, like CrowdSec's leaky buckets for http-probing and the
// OWASP CRS's anomaly threshold, an actor (identity, else client IP) needs `minFlagged` distinct
// flagged request texts within `windowSec` of packet time. The run is then handed back and begins
// anew; for `cooldownSec` after it the actor's flagged requests are counted but make no other run
// (one finding per actor per cooldown, as the injection detector does).
import { BoundedTable, type Touched } from '../../core/bounded-table';
import type { EndpointRef, EvidenceItem } from '../../core/finding';

export interface FlaggedRequest {
  /** Hash of the request text: a repeat of the same text is one variant, not another. */
  readonly key: number;
  readonly text: string;
  readonly ts: number;
  readonly score: number;
  readonly identity: string | null;
  readonly client: string;
  readonly endpoint: EndpointRef | null;
  readonly evidence: EvidenceItem;
}

interface ActorRun extends Touched {
  flagged: FlaggedRequest[];
  /** Packet time until which the actor makes no other run. */
  quietUntil: number;
}

/** What add() made of a flagged request. */
export type FlaggedOutcome = { readonly kind: 'counted' } | { readonly kind: 'cooldown' } | { readonly kind: 'run'; readonly run: FlaggedRequest[] };

export class FlaggedActors {
  private readonly table: BoundedTable<ActorRun>;

  constructor(
    maxActors: number,
    private readonly windowSec: number,
    private readonly minFlagged: number,
    private readonly cooldownSec: number,
    onEvict: () => void,
  ) {
    this.table = new BoundedTable<ActorRun>(maxActors, onEvict, windowSec);
  }

  get size(): number {
    return this.table.size;
  }

  /** Adds a flagged request of `actor`: a run (oldest first) when it reaches minFlagged outside a cooldown. */
  add(actor: string, request: FlaggedRequest): FlaggedOutcome {
    let run = this.table.get(actor);
    if (run === undefined) {
      run = { touched: request.ts, flagged: [], quietUntil: -Infinity };
      this.table.insert(actor, run, request.ts);
    }
    run.touched = request.ts;
    if (request.ts < run.quietUntil) return { kind: 'cooldown' };
    const since = request.ts - this.windowSec;
    run.flagged = run.flagged.filter((f) => f.ts >= since && f.key !== request.key);
    run.flagged.push(request);
    if (run.flagged.length < this.minFlagged) return { kind: 'counted' };
    const out = run.flagged;
    run.flagged = [];
    run.quietUntil = request.ts + this.cooldownSec;
    return { kind: 'run', run: out };
  }
}
