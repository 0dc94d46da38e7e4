// Client ports as operating systems hand them out: from the ephemeral range of the client's OS,
// roughly sequential per address, never reusing a port that address still had open (or in
// TIME_WAIT) against the server.
import type { Rng } from '../prng';
import type { OsFamily } from '../world/devices';

const TIME_WAIT_US = 120_000_000;

function rangeOf(os: OsFamily): [number, number] {
  return os === 'windows' || os === 'ios' || os === 'macos' ? [49152, 65535] : [32768, 60999];
}

export class PortAllocator {
  private readonly perIp = new Map<string, { next: number; range: [number, number]; busyUntil: Map<number, number> }>();

  constructor(private readonly rng: Rng) {}

  /** A port for a connection of `ip` from `start` to `end` (µs). */
  take(ip: string, os: OsFamily, start: number, end: number): number {
    let state = this.perIp.get(ip);
    if (!state) {
      const range = rangeOf(os);
      state = { next: this.rng.int(range[0], range[1]), range, busyUntil: new Map() };
      this.perIp.set(ip, state);
    }
    const [low, high] = state.range;
    for (let tries = 0; tries <= high - low; tries++) {
      // other connections of the host take ports in between
      state.next += this.rng.chance(0.7) ? 1 : this.rng.int(2, 40);
      if (state.next > high) state.next = low + (state.next - high - 1);
      const busy = state.busyUntil.get(state.next);
      if (busy === undefined || busy < start) {
        state.busyUntil.set(state.next, end + TIME_WAIT_US);
        return state.next;
      }
    }
    throw new Error(`no free client port for ${ip}`);
  }
}
