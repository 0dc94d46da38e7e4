// Flow table: hash buckets with chaining (numeric keys, no per-packet strings) and one timeout list
// per flow state, each ordered by last activity so expiry only looks at list heads.
import { Flow, FlowState } from './flow';
import { keysEqual } from './flow-key';

class FlowList {
  head: Flow | null = null;
  tail: Flow | null = null;

  append(f: Flow): void {
    f.prev = this.tail;
    f.next = null;
    if (this.tail) this.tail.next = f;
    else this.head = f;
    this.tail = f;
  }

  unlink(f: Flow): void {
    if (f.prev) f.prev.next = f.next;
    else this.head = f.next;
    if (f.next) f.next.prev = f.prev;
    else this.tail = f.prev;
    f.prev = null;
    f.next = null;
  }
}

export class FlowTable {
  private readonly buckets = new Map<number, Flow>();
  /** Indexed by FlowState. */
  readonly lists: [FlowList, FlowList, FlowList] = [new FlowList(), new FlowList(), new FlowList()];
  size = 0;

  lookup(key: Uint32Array, hash: number): Flow | null {
    for (let f = this.buckets.get(hash) ?? null; f !== null; f = f.hashNext) {
      if (keysEqual(f.key, key)) return f;
    }
    return null;
  }

  insert(f: Flow): void {
    f.hashNext = this.buckets.get(f.hash) ?? null;
    this.buckets.set(f.hash, f);
    this.lists[f.state].append(f);
    this.size++;
  }

  remove(f: Flow): void {
    let prev: Flow | null = null;
    for (let cur = this.buckets.get(f.hash) ?? null; cur !== null; prev = cur, cur = cur.hashNext) {
      if (cur !== f) continue;
      if (prev) prev.hashNext = cur.hashNext;
      else if (cur.hashNext) this.buckets.set(f.hash, cur.hashNext);
      else this.buckets.delete(f.hash);
      break;
    }
    f.hashNext = null;
    this.lists[f.state].unlink(f);
    this.size--;
  }

  /** Marks activity: the flow moves to the tail of its (possibly new) state's list. */
  touch(f: Flow, ts: number, state: FlowState): void {
    f.lastTs = ts;
    const list = this.lists[f.state];
    if (f.state === state && list.tail === f) return;
    list.unlink(f);
    f.state = state;
    this.lists[state].append(f);
  }

  /** The flow idle longest, preferring closed, then new, then established flows (eviction order). */
  evictionCandidate(): Flow | null {
    return this.lists[FlowState.Closed].head ?? this.lists[FlowState.New].head ?? this.lists[FlowState.Established].head;
  }
}
