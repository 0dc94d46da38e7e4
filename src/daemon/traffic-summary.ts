// What a replay or capture saw: packet and byte totals, decode outcomes, time span and tunnel ids.
// Updated once per packet with plain number fields only (hot path).
import { DecodeStatus, TUNNEL_KIND_NAMES, type DecodedPacket } from '../decode/types';

/** Distinct tunnel ids remembered for the summary; more are counted, not listed. */
const MAX_TUNNEL_IDS = 256;

export class TrafficSummary {
  packets = 0;
  capturedBytes = 0;
  wireBytes = 0;
  decodedOk = 0;
  skipped = 0;
  fragmentsHeld = 0;
  /** Packets whose captured length is shorter than on the wire (snaplen). */
  truncatedBySnaplen = 0;
  firstTs = Number.POSITIVE_INFINITY;
  lastTs = Number.NEGATIVE_INFINITY;
  readonly tunnelIds = new Set<string>();
  tunnelIdsOverflow = 0;

  record(pkt: DecodedPacket, status: DecodeStatus): void {
    this.packets++;
    this.capturedBytes += pkt.caplen;
    this.wireBytes += pkt.wirelen;
    if (pkt.caplen < pkt.wirelen) this.truncatedBySnaplen++;
    const ts = pkt.tsSec + pkt.tsNsec / 1e9;
    if (ts < this.firstTs) this.firstTs = ts;
    if (ts > this.lastTs) this.lastTs = ts;
    if (status === DecodeStatus.Ok) this.decodedOk++;
    else if (status === DecodeStatus.Skipped) this.skipped++;
    else this.fragmentsHeld++;
    if (pkt.tunnelCount > 0) this.noteTunnels(pkt);
  }

  private noteTunnels(pkt: DecodedPacket): void {
    for (let i = 0; i < pkt.tunnelCount; i++) {
      const layer = pkt.tunnels[i];
      if (!layer || layer.id < 0) continue;
      const key = `${TUNNEL_KIND_NAMES[layer.kind] ?? 'tunnel'}:${layer.id}`;
      if (this.tunnelIds.has(key)) continue;
      if (this.tunnelIds.size >= MAX_TUNNEL_IDS) this.tunnelIdsOverflow++;
      else this.tunnelIds.add(key);
    }
  }

  timeSpanSec(): number {
    return this.packets > 0 && Number.isFinite(this.firstTs) ? this.lastTs - this.firstTs : 0;
  }
}
