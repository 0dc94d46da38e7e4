// The sessions a training draws from: a bounded ring of the most recent ended sessions (oldest
// dropped and counted), and the selection that guards a training against poisoning: flagged
// identities (open alerts, confirmed attacks, sessions this model reported) are left out unless an
// analyst judged this model's alert on them a false positive; no identity fills more than
// `maxIdentityShare` of the set (its most recent sessions stay); the newest clean sessions are held
// back to judge the retrained model and never train it.
import type { Counters } from '../../core/counters';

export const C_BUFFER_EVICTED = 'models.session.buffer.evicted';

export interface SessionRecord {
  readonly identity: string;
  readonly end: number;
  /** Raw SESSION_FEATURES values. */
  readonly vector: Float32Array;
}

export class SessionBuffer {
  private readonly ring: (SessionRecord | undefined)[];
  private start = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly counters: Counters,
  ) {
    this.ring = new Array<SessionRecord | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  add(record: SessionRecord): void {
    if (this.count === this.capacity) {
      this.ring[this.start] = record;
      this.start = (this.start + 1) % this.capacity;
      this.counters.inc(C_BUFFER_EVICTED);
      return;
    }
    this.ring[(this.start + this.count) % this.capacity] = record;
    this.count++;
  }

  /** Oldest first. */
  records(): SessionRecord[] {
    const out: SessionRecord[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.ring[(this.start + i) % this.capacity] as SessionRecord);
    return out;
  }
}

export interface SelectionRules {
  /** Identities held out of training. */
  readonly flagged: ReadonlySet<string>;
  /** Identities an analyst cleared on this model's alerts: they train even while flagged. */
  readonly forgiven: ReadonlySet<string>;
  readonly maxIdentityShare: number;
  readonly heldBack: number;
}

export interface Selection {
  readonly train: SessionRecord[];
  readonly heldBack: SessionRecord[];
  readonly excludedFlagged: number;
  /** Sessions left out by the identity-share cap. */
  readonly capped: number;
  readonly identities: number;
  /** Forgiven identities whose sessions are in the training set. */
  readonly forgivenIdentities: string[];
}

export function selectTrainingSet(records: readonly SessionRecord[], rules: SelectionRules): Selection {
  let excludedFlagged = 0;
  const clean: SessionRecord[] = [];
  for (const r of records) {
    if (rules.flagged.has(r.identity) && !rules.forgiven.has(r.identity)) excludedFlagged++;
    else clean.push(r);
  }
  const heldCount = Math.min(rules.heldBack, Math.floor(clean.length / 4));
  const heldBack = clean.slice(clean.length - heldCount);
  const candidates = clean.slice(0, clean.length - heldCount);
  const cap = Math.max(1, Math.floor(rules.maxIdentityShare * candidates.length));
  const perIdentity = new Map<string, number>();
  const train: SessionRecord[] = [];
  // newest first so an identity keeps its most recent sessions, then back to time order
  for (let i = candidates.length - 1; i >= 0; i--) {
    const r = candidates[i] as SessionRecord;
    const n = perIdentity.get(r.identity) ?? 0;
    if (n >= cap) continue;
    perIdentity.set(r.identity, n + 1);
    train.push(r);
  }
  train.reverse();
  const forgivenIdentities = [...perIdentity.keys()].filter((id) => rules.forgiven.has(id)).sort();
  return { train, heldBack, excludedFlagged, capped: candidates.length - train.length, identities: perIdentity.size, forgivenIdentities };
}
