// PacketDecoder: RawFrame bytes -> DecodedPacket (DESIGN §2). Layer decoders are plain functions in
// one file per protocol, chained through dispatch tables (link type, ethertype, IP protocol, UDP
// port). The normal path allocates nothing: addresses are copied into the reused output record and
// the payload is an offset range into the frame's own buffer (or a reassembled-fragment buffer).
import type { Counters } from '../core/counters';
import type { DecodeConfig } from './config';
import type { RawFrame } from '../capture/types';
import { DecodeStatus, type DecodedPacket } from './types';
import { DecodeCtx } from './context';
import { A } from './anomalies';
import { LAYER_NAMES } from './layers';
import { dispatchLink } from './link';

export class PacketDecoder {
  private readonly ctx: DecodeCtx;

  constructor(config: DecodeConfig, counters: Counters) {
    this.ctx = new DecodeCtx(config, counters);
  }

  /** Decode frame bytes data[offset, offset+caplen) of link type `frame.linkType` into `out` (reset here). */
  decode(frame: RawFrame, out: DecodedPacket): DecodeStatus {
    out.reset();
    const ctx = this.ctx;
    ctx.out = out;
    ctx.layers = 0;
    out.tsSec = frame.tsSec;
    out.tsNsec = frame.tsNsec;
    out.caplen = frame.caplen;
    out.wirelen = frame.wirelen;
    out.linkType = frame.linkType;
    const d = frame.data;
    out.data = d;
    let o = frame.offset;
    let end = o + frame.caplen;
    if (end > d.length) end = d.length;
    if (o > end) o = end;
    out.payloadOffset = o;
    const now = frame.tsSec + frame.tsNsec * 1e-9;
    ctx.nowSec = now;
    ctx.frags.maybeExpire(now);
    try {
      return dispatchLink(ctx, frame.linkType, d, o, end);
    } catch {
      // Defensive net: a decoder bug must not stop the pipeline (the fuzz tests keep this at 0).
      return ctx.anomaly(A.internalError);
    }
  }

  /** Per-layer decoded counts (only layers seen), for the replay summary. */
  layerCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    const lc = this.ctx.layerCount;
    for (let i = 0; i < LAYER_NAMES.length; i++) {
      const n = lc[i]!;
      if (n > 0) out[LAYER_NAMES[i]!] = n;
    }
    return out;
  }

  /** Drop fragment state older than the timeout at packet time `nowSec` (also done lazily in decode). */
  expire(nowSec: number): void {
    this.ctx.frags.expire(nowSec);
  }

  /** Datagrams currently held for reassembly and the bytes their buffers use (for metrics/tests). */
  fragmentState(): { datagrams: number; bytes: number } {
    return { datagrams: this.ctx.frags.size, bytes: this.ctx.frags.bytes };
  }
}
