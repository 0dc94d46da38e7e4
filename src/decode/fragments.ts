// IP fragment reassembly shared by IPv4 and IPv6. Only fragments take this path, so it may
// allocate (a key string, a datagram buffer). Bounds: maxDatagrams (evict oldest), maxBytes of
// datagram buffers held (evict oldest), timeoutSec of packet time since the first fragment.
// Overlaps keep the first data received ("first-data-wins") and are counted.
import type { Counters } from '../core/counters';
import type { FragmentConfig } from './config';
import type { DecodedPacket } from './types';
import { FRAG_V4, FRAG_V6, type FragNames } from './anomalies';

/** Largest reassembled IP payload we accept (the IP length fields are 16 bits). */
export const MAX_DATAGRAM = 65535;

class Datagram {
  buf: Uint8Array;
  /** Covered byte ranges, sorted and merged: [start0, end0, start1, end1, ...]. */
  readonly ranges: number[] = [];
  /** Payload length once the last fragment (MF=0) was seen, else -1. */
  total = -1;

  constructor(
    readonly names: FragNames,
    readonly firstSec: number,
    size: number,
  ) {
    this.buf = new Uint8Array(size);
  }
}

export const enum FragOutcome {
  Skipped = -1,
  Held = 0,
  Complete = 1,
}

/** Minimal view of the decode context the table reports anomalies through. */
export interface AnomalySink {
  anomaly(name: string): unknown;
  note(name: string): void;
}

export class FragmentTable {
  private readonly table = new Map<string, Datagram>();
  private heldBytes = 0;
  private nextExpire = 0;
  private readonly maxDatagrams: number;
  private readonly maxBytes: number;
  private readonly timeoutSec: number;
  /** The datagram completed by the last `add` that returned Complete. */
  result: Uint8Array = new Uint8Array(0);
  resultLength = 0;

  constructor(
    config: FragmentConfig,
    private readonly counters: Counters,
  ) {
    this.maxDatagrams = config.maxDatagrams;
    this.maxBytes = config.maxBytes;
    this.timeoutSec = config.timeoutSec;
  }

  get size(): number {
    return this.table.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** Cheap check done on every packet: expire at most once per second of packet time. */
  maybeExpire(nowSec: number): void {
    if (this.table.size !== 0 && nowSec >= this.nextExpire) {
      this.expire(nowSec);
      this.nextExpire = nowSec + 1;
    }
  }

  /** Drop datagrams whose first fragment is older than the timeout. */
  expire(nowSec: number): void {
    for (const [key, dg] of this.table) {
      if (nowSec - dg.firstSec < this.timeoutSec) continue;
      this.drop(key, dg);
      this.counters.inc(dg.names.timeout);
    }
  }

  private drop(key: string, dg: Datagram): void {
    this.table.delete(key);
    this.heldBytes -= dg.buf.length;
  }

  /** Evict the oldest datagram other than `keep`; false when there is none. */
  private evictOldest(keep: Datagram | undefined, name: string, sink: AnomalySink): boolean {
    for (const [key, dg] of this.table) {
      if (dg === keep) continue;
      this.drop(key, dg);
      sink.note(name);
      return true;
    }
    return false;
  }

  /**
   * Add fragment bytes d[o, o+len) at payload offset `offset`. On Complete, `result` and
   * `resultLength` hold the reassembled IP payload (a fresh buffer owned by the caller).
   */
  add(
    sink: AnomalySink,
    version: 4 | 6,
    key: string,
    nowSec: number,
    offset: number,
    more: boolean,
    d: Uint8Array,
    o: number,
    len: number,
  ): FragOutcome {
    const names = version === 4 ? FRAG_V4 : FRAG_V6;
    const end = offset + len;
    if (end > MAX_DATAGRAM) {
      sink.anomaly(names.tooLarge);
      return FragOutcome.Skipped;
    }
    let dg = this.table.get(key);
    if (dg !== undefined && nowSec - dg.firstSec >= this.timeoutSec) {
      this.drop(key, dg);
      this.counters.inc(dg.names.timeout);
      dg = undefined;
    }
    if (dg === undefined) {
      while (this.table.size >= this.maxDatagrams && this.evictOldest(undefined, names.tableFull, sink)) {
        // evicted one
      }
      dg = new Datagram(names, nowSec, 0);
      this.table.set(key, dg);
    }
    // Consistency of the last-fragment length.
    if ((!more && dg.total >= 0 && dg.total !== end) || (more && dg.total >= 0 && end > dg.total)) {
      sink.anomaly(names.badLength);
      return FragOutcome.Skipped;
    }
    const r = dg.ranges;
    if (!more && r.length !== 0 && r[r.length - 1]! > end) {
      sink.anomaly(names.badLength);
      return FragOutcome.Skipped;
    }
    if (!more) dg.total = end;
    if (len === 0) return dg.total >= 0 && complete(dg) ? this.finish(key, dg) : FragOutcome.Held;

    // Grow the buffer (accounted against maxBytes).
    if (dg.buf.length < end) {
      let size = dg.buf.length === 0 ? 2048 : dg.buf.length * 2;
      if (size < end) size = end;
      if (size > MAX_DATAGRAM) size = MAX_DATAGRAM;
      const grow = size - dg.buf.length;
      while (this.heldBytes + grow > this.maxBytes && this.evictOldest(dg, names.bytesLimit, sink)) {
        // evicted one
      }
      if (this.heldBytes + grow > this.maxBytes) {
        this.drop(key, dg);
        sink.anomaly(names.bytesLimit);
        return FragOutcome.Skipped;
      }
      const nb = new Uint8Array(size);
      nb.set(dg.buf);
      dg.buf = nb;
      this.heldBytes += grow;
    }

    // Copy the parts of [offset, end) not covered yet; covered parts keep their first data.
    const buf = dg.buf;
    let covered = 0;
    let differs = false;
    let pos = offset;
    for (let i = 0; i < r.length && pos < end; i += 2) {
      const rs = r[i]!;
      const re = r[i + 1]!;
      if (re <= pos) continue;
      if (rs >= end) break;
      if (rs > pos) {
        for (let k = pos; k < rs; k++) buf[k] = d[o + k - offset]!;
      }
      const cs = rs > pos ? rs : pos;
      const ce = re < end ? re : end;
      for (let k = cs; k < ce; k++) if (buf[k] !== d[o + k - offset]) differs = true;
      covered += ce - cs;
      pos = ce;
    }
    for (let k = pos; k < end; k++) buf[k] = d[o + k - offset]!;
    if (covered === len && !differs) sink.note(names.duplicate);
    else if (covered !== 0) sink.note(names.overlap);
    insertRange(r, offset, end);
    return dg.total >= 0 && complete(dg) ? this.finish(key, dg) : FragOutcome.Held;
  }

  private finish(key: string, dg: Datagram): FragOutcome {
    this.drop(key, dg);
    this.result = dg.buf;
    this.resultLength = dg.total;
    return FragOutcome.Complete;
  }
}

function complete(dg: Datagram): boolean {
  const r = dg.ranges;
  if (dg.total === 0) return true;
  return r.length === 2 && r[0] === 0 && r[1]! >= dg.total;
}

/** Insert [s, e) into the sorted, merged range list. */
function insertRange(r: number[], s: number, e: number): void {
  let i = 0;
  while (i < r.length && r[i + 1]! < s) i += 2;
  let j = i;
  while (j < r.length && r[j]! <= e) {
    if (r[j]! < s) s = r[j]!;
    if (r[j + 1]! > e) e = r[j + 1]!;
    j += 2;
  }
  r.splice(i, j - i, s, e);
}

/**
 * Reassembly key: IP version, protocol, id, src, dst and a hash of the encapsulation context
 * (VLANs, MPLS labels, PPPoE session, tunnel layers) so identical datagrams from different
 * mirrored networks stay apart.
 */
export function fragKey(out: DecodedPacket, version: 4 | 6, id: number, proto: number): string {
  let h = 0x811c9dc5;
  const mix = (v: number): void => {
    h = Math.imul(h ^ (v & 0xffff), 16777619);
    h = Math.imul(h ^ (v >>> 16), 16777619);
  };
  for (let i = 0; i < out.vlanCount; i++) mix(out.vlanIds[i]!);
  mix(0x10000);
  for (let i = 0; i < out.mplsCount; i++) mix(out.mplsLabels[i]!);
  mix(out.pppoeSession);
  for (let i = 0; i < out.tunnelCount; i++) {
    const t = out.tunnels[i]!;
    mix(t.kind);
    mix(t.id);
    for (let k = 0; k < 16; k++) mix(t.outerSrc[k]! | (t.outerDst[k]! << 8));
  }
  const n = version === 4 ? 4 : 16;
  let s = `${version}/${proto}/${id}/${h >>> 0}/`;
  for (let k = 0; k < n; k++) s += out.srcIp[k]!.toString(16) + '.';
  s += '/';
  for (let k = 0; k < n; k++) s += out.dstIp[k]!.toString(16) + '.';
  return s;
}
