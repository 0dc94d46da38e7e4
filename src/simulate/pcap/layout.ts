// Writes the week's connections as pcap files, one per day (cut where no connection is open, so no
// flow spans two files; a day over the size bound is cut again), and lists every request as sent:
// its packet time, client address and port, method and target.
import path from 'node:path';
import type { RequestLabel } from '../../core/scenario-labels';
import { US_PER_DAY } from '../clock';
import { Rng } from '../prng';
import { observedTtl } from '../world/devices';
import { SERVER_IP, SERVER_PORT } from '../world/addresses';
import { frame, ipv4Bytes } from './frames';
import { PcapFile } from './pcap-file';
import { PortAllocator } from './ports';
import type { TimedConnection } from './tcp-timeline';

/** Bytes after which a file is cut at the next quiet moment (stays well under 100 MB). */
export const MAX_FILE_BYTES = 90 * 1024 * 1024;

export interface PcapSummary {
  readonly name: string;
  readonly packets: number;
  readonly bytes: number;
}

export interface Layout {
  readonly files: PcapSummary[];
  readonly requests: RequestLabel[];
  readonly start: number;
  readonly end: number;
}

interface Placed {
  readonly conn: TimedConnection;
  readonly port: number;
}

function estimateBytes(conn: TimedConnection): number {
  let n = 0;
  for (const p of conn.packets) n += 16 + 66 + p.payload.length;
  return n;
}

/** Groups connections into files: a new file from the first quiet moment after each midnight of the scenario, or a size bound. */
function groups(placed: readonly Placed[], startUs: number, endUs: number, maxBytes: number): Placed[][] {
  const out: Placed[][] = [];
  let current: Placed[] = [];
  let openUntil = -Infinity;
  let boundary = startUs + US_PER_DAY;
  let bytes = 0;
  for (const p of placed) {
    const quiet = p.conn.start > openUntil;
    if (current.length > 0 && quiet && ((p.conn.start >= boundary && boundary < endUs) || bytes >= maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
      while (boundary <= p.conn.start) boundary += US_PER_DAY;
    }
    current.push(p);
    bytes += estimateBytes(p.conn);
    openUntil = Math.max(openUntil, p.conn.end, p.conn.packets[p.conn.packets.length - 1]?.ts ?? 0);
  }
  if (current.length > 0) out.push(current);
  return out;
}

function fileName(group: readonly Placed[], startUs: number, used: Set<string>): string {
  const day = Math.floor(((group[0]?.conn.start ?? startUs) - startUs) / US_PER_DAY) + 1;
  const base = `day-${String(Math.max(1, day)).padStart(2, '0')}`;
  let name = `${base}.pcap`;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}.pcap`;
  used.add(name);
  return name;
}

export function writePcaps(connections: TimedConnection[], dir: string, seed: number, startUs: number, endUs: number, maxBytes = MAX_FILE_BYTES): Layout {
  const sorted = [...connections].sort((a, b) => a.start - b.start || a.visit.id - b.visit.id || a.order - b.order);
  const ports = new PortAllocator(new Rng(seed, 'ports'));
  const placed: Placed[] = sorted.map((conn) => ({ conn, port: ports.take(conn.visit.ip, conn.visit.device.os, conn.start, conn.end) }));
  const serverIp = ipv4Bytes(SERVER_IP);
  const files: PcapSummary[] = [];
  const requests: RequestLabel[] = [];
  const names = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  for (const group of groups(placed, startUs, endUs, maxBytes)) {
    const name = fileName(group, startUs, names);
    const file = new PcapFile(path.join(dir, name));
    const order: { ts: number; c: number; p: number }[] = [];
    group.forEach((g, c) => g.conn.packets.forEach((pkt, p) => order.push({ ts: pkt.ts, c, p })));
    order.sort((a, b) => a.ts - b.ts || a.c - b.c || a.p - b.p);
    const state = group.map((g) => {
      const rng = new Rng(seed, `tcp/${g.conn.visit.id}/${g.conn.order}`);
      return { clientIsn: rng.int(0, 0xfffffff0), serverIsn: rng.int(0, 0xfffffff0), clientId: rng.int(0, 0xffff), serverId: rng.int(0, 0xffff), clientIp: ipv4Bytes(g.conn.visit.ip) };
    });
    for (const { c, p } of order) {
      const g = group[c];
      const s = state[c];
      const pkt = g?.conn.packets[p];
      if (!g || !s || !pkt) continue;
      const visit = g.conn.visit;
      const fromClient = pkt.fromClient;
      const [myIsn, peerIsn] = fromClient ? [s.clientIsn, s.serverIsn] : [s.serverIsn, s.clientIsn];
      const bytes = frame({
        srcIp: fromClient ? s.clientIp : serverIp, dstIp: fromClient ? serverIp : s.clientIp, srcPort: fromClient ? g.port : SERVER_PORT, dstPort: fromClient ? SERVER_PORT : g.port,
        seq: (myIsn + pkt.seq) >>> 0, ack: pkt.flags & 0x10 ? (peerIsn + pkt.ack) >>> 0 : 0, flags: pkt.flags, window: fromClient ? 64240 : 65160,
        ttl: fromClient ? observedTtl(visit.device.os, visit.hops) : 64, ipId: fromClient ? s.clientId++ : s.serverId++, fromClient, payload: pkt.payload,
      });
      file.write(pkt.ts, bytes);
      first = Math.min(first, pkt.ts);
      last = Math.max(last, pkt.ts);
    }
    file.close();
    files.push({ name, packets: file.packets, bytes: file.bytes });
    for (const g of group) {
      for (const r of g.conn.requests) {
        requests.push({ ts: r.ts / 1_000_000, client: `${g.conn.visit.ip}:${g.port}`, method: r.method, uri: r.uri, actor: g.conn.visit.actor, label: g.conn.visit.label });
      }
    }
  }
  requests.sort((a, b) => a.ts - b.ts || a.client.localeCompare(b.client));
  return { files, requests, start: first / 1_000_000, end: last / 1_000_000 };
}
