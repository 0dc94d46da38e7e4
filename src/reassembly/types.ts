// Records passed from reassembly to app-layer analyzers (DESIGN §2, StreamChunk). Instead of
// allocating chunk objects, reassembly calls a StreamConsumer: data / gap / end per direction.
// Byte views passed to onData are valid only during the call: copy what must outlive it.

/** 0 = originator (sent the SYN, or guessed when the flow was picked up mid-stream), 1 = responder. */
export type Direction = 0 | 1;

export type EndReason = 'fin' | 'rst' | 'timeout' | 'evicted' | 'limit' | 'shutdown';

/** What app-layer analyzers see of a flow. Strings are built once per flow, not per packet. */
export interface FlowInfo {
  /** Stable id (seeded, deterministic for a given capture and seed), e.g. "F3kT9xQm2". */
  readonly id: string;
  readonly ipVersion: 4 | 6;
  readonly origIp: string;
  readonly origPort: number;
  readonly respIp: string;
  readonly respPort: number;
  /** VLAN ids outermost first (empty when none). */
  readonly vlanIds: readonly number[];
  /** Tunnel layers outermost first, e.g. ["vxlan:1"] (empty when none). */
  readonly tunnels: readonly string[];
  /** True when the originator was seen sending a SYN (so orig really is the client). */
  readonly sawSyn: boolean;
  /** Timestamp (seconds) of the flow's first packet. */
  readonly firstTs: number;
  /** Slot for the app-layer analyzer's per-flow state; reassembly never reads it. */
  app: unknown;
}

export interface StreamConsumer {
  /**
   * In-order bytes data[start, start + length) of direction `dir`, at stream offset `offset` (bytes
   * since the first byte tracked in that direction). Return false to stop receiving this flow's data
   * (reassembly then stops buffering it, e.g. not HTTP or after an Upgrade).
   */
  onData(flow: FlowInfo, dir: Direction, data: Uint8Array, start: number, length: number, offset: number, ts: number): boolean;
  /** `length` bytes at `offset` of direction `dir` are missing for good (loss on the mirror, a bound hit). */
  onGap(flow: FlowInfo, dir: Direction, offset: number, length: number, ts: number): void;
  /** Direction `dir` has ended (its data up to here was delivered). Called once per direction. */
  onEnd(flow: FlowInfo, dir: Direction, reason: EndReason, ts: number): void;
  /** The flow is removed from the table; both directions have ended. */
  onClose(flow: FlowInfo, reason: EndReason, ts: number): void;
}
