// UDP: ports, length field vs captured bytes, then the UDP-port tunnel table (VXLAN, Geneve,
// GRE-in-UDP, Teredo, AYIYA); any other datagram, or one that does not look like the tunnel on its
// port, ends here with its payload range.
import { DecodeStatus, Transport } from './types';
import { PortRole, type DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { u16 } from './bytes';
import { transportOk } from './checksum';
import { decodeVxlan } from './vxlan';
import { decodeGeneve } from './geneve';
import { decodeGre } from './gre';
import { decodeTeredo } from './teredo';
import { decodeAyiya } from './ayiya';

export function decodeUdp(ctx: DecodeCtx, d: Uint8Array, o: number, end: number): DecodeStatus {
  if (!ctx.enter()) return DecodeStatus.Skipped;
  if (end - o < 8) return ctx.anomaly(A.udpTruncated);
  const out = ctx.out;
  const ulen = u16(d, o + 4);
  // Length 0 is used by IPv6 jumbograms and GSO super-segments: use the captured length.
  if (ulen !== 0) {
    if (ulen < 8) return ctx.anomaly(A.udpBadLength);
    if (o + ulen <= end) end = o + ulen;
    else if (out.payloadMissing < o + ulen - end) out.payloadMissing = o + ulen - end;
  }
  if (ctx.verifyChecksums && out.payloadMissing === 0 && (out.ipVersion === 6 || u16(d, o + 6) !== 0)) {
    if (!transportOk(out, 17, d, o, end - o)) return ctx.anomaly(A.udpBadChecksum);
  }
  const src = u16(d, o);
  const dst = u16(d, o + 2);
  out.srcPort = src;
  out.dstPort = dst;
  ctx.count(Layer.Udp);
  let role = ctx.portRole[dst]!;
  if (role === PortRole.None) role = ctx.portRole[src]!;
  if (role === PortRole.None && ctx.teredoPeers.size > 0 && isTeredoPeerTraffic(ctx)) role = PortRole.Teredo;
  switch (role) {
    case PortRole.Teredo: {
      // The client is the side not on the Teredo port; remember it before the inner header
      // replaces the outer addresses.
      let client = -1;
      if (out.ipVersion === 4 && ctx.portRole[dst] === PortRole.Teredo) client = peerKey(out.srcIp, src);
      else if (out.ipVersion === 4 && ctx.portRole[src] === PortRole.Teredo) client = peerKey(out.dstIp, dst);
      const status = decodeTeredo(ctx, d, o + 8, end);
      if (status === null) break;
      if (client >= 0) learnTeredoPeer(ctx, client);
      return status;
    }
    case PortRole.Ayiya: {
      const status = decodeAyiya(ctx, d, o + 8, end);
      if (status !== null) return status;
      break;
    }
    case PortRole.Vxlan:
      return decodeVxlan(ctx, d, o + 8, end);
    case PortRole.Geneve:
      return decodeGeneve(ctx, d, o + 8, end);
    case PortRole.GreUdp:
      ctx.count(Layer.GreUdp);
      return decodeGre(ctx, d, o + 8, end);
  }
  out.transport = Transport.Udp;
  out.data = d;
  out.payloadOffset = o + 8;
  out.payloadLength = end - o - 8;
  return DecodeStatus.Ok;
}

/** Teredo peer key of an IPv4 endpoint (Teredo runs over IPv4). */
function peerKey(ip: Uint8Array, port: number): number {
  return (((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) >>> 0) * 65536 + port;
}

function isTeredoPeerTraffic(ctx: DecodeCtx): boolean {
  const out = ctx.out;
  if (out.ipVersion !== 4) return false;
  return ctx.teredoPeers.has(peerKey(out.srcIp, out.srcPort)) || ctx.teredoPeers.has(peerKey(out.dstIp, out.dstPort));
}

function learnTeredoPeer(ctx: DecodeCtx, key: number): void {
  if (ctx.teredoPeers.has(key)) return;
  if (ctx.teredoPeers.size >= ctx.maxTeredoPeers) {
    const oldest = ctx.teredoPeers.values().next().value;
    if (oldest !== undefined) ctx.teredoPeers.delete(oldest);
    ctx.counters.inc('decode.teredo.peers_evicted');
  }
  ctx.teredoPeers.add(key);
}
