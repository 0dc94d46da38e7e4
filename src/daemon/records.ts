// Records the sensor prints and logs (`replay --format jsonl`, the daemon's alert and stats lines): one
// object per line with a `type` field, plus their text forms. In daemon/ because the CLI sits above it.
import { redactTransactionUri } from '../http/redact-uri';
import { escapeControl } from '../core/escape-control';
import type { Alert } from '../alerting/types';
import { endpointToString, ipToString } from '../core/ip';
import { TUNNEL_KIND_NAMES, Transport, type DecodedPacket, DecodeStatus } from '../decode/types';
import type { Sensor } from './sensor';
import type { HttpTransaction } from '../http/types';

const TCP_FLAG_LETTERS = 'FSRPAUEC';

function tcpFlagsToString(flags: number): string {
  let s = '';
  for (let bit = 0; bit < 8; bit++) if (flags & (1 << bit)) s += TCP_FLAG_LETTERS[bit];
  return s;
}

function transportName(pkt: DecodedPacket): string {
  if (pkt.transport === Transport.Tcp) return 'tcp';
  if (pkt.transport === Transport.Udp) return 'udp';
  if (pkt.ipVersion !== 0) return `ip-proto-${pkt.ipProto}`;
  return 'none';
}

/** One decoded packet, for `--packets` (debugging and tests; not for production volumes). */
export function packetRecord(pkt: DecodedPacket, status: DecodeStatus): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    type: 'packet',
    ts: pkt.tsSec + pkt.tsNsec / 1e9,
    caplen: pkt.caplen,
    wirelen: pkt.wirelen,
    status: status === DecodeStatus.Ok ? 'ok' : status === DecodeStatus.Skipped ? 'skipped' : 'fragment-held',
  };
  if (pkt.vlanCount > 0) rec['vlan'] = Array.from(pkt.vlanIds.subarray(0, pkt.vlanCount));
  if (pkt.mplsCount > 0) rec['mpls'] = Array.from(pkt.mplsLabels.subarray(0, pkt.mplsCount));
  if (pkt.pppoeSession >= 0) rec['pppoeSession'] = pkt.pppoeSession;
  if (pkt.tunnelCount > 0) {
    rec['tunnels'] = pkt.tunnels.slice(0, pkt.tunnelCount).map((t) => ({
      kind: TUNNEL_KIND_NAMES[t.kind] ?? String(t.kind),
      id: t.id,
      outerSrc: ipToString(t.outerIpVersion, t.outerSrc),
      outerDst: ipToString(t.outerIpVersion, t.outerDst),
    }));
  }
  if (pkt.ipVersion !== 0) {
    rec['proto'] = transportName(pkt);
    const ports = pkt.transport === Transport.Tcp || pkt.transport === Transport.Udp;
    rec['src'] = ports ? endpointToString(pkt.ipVersion, pkt.srcIp, pkt.srcPort) : ipToString(pkt.ipVersion, pkt.srcIp);
    rec['dst'] = ports ? endpointToString(pkt.ipVersion, pkt.dstIp, pkt.dstPort) : ipToString(pkt.ipVersion, pkt.dstIp);
    if (pkt.reassembled) rec['reassembled'] = true;
  }
  if (pkt.transport === Transport.Tcp) {
    rec['flags'] = tcpFlagsToString(pkt.tcpFlags);
    rec['seq'] = pkt.tcpSeq;
    rec['ack'] = pkt.tcpAck;
  }
  if (pkt.transport !== Transport.None) rec['payload'] = pkt.payloadLength;
  if (pkt.anomalies.length > 0) rec['anomalies'] = [...pkt.anomalies];
  return rec;
}

/** The summary record (`--stats`): totals, per-layer counts, tunnels, anomalies, time span, rate. */
export function statsRecord(sensor: Sensor, files: string[], elapsedSec: number): Record<string, unknown> {
  const s = sensor.summary;
  return {
    type: 'stats',
    files,
    packets: s.packets,
    bytes: s.capturedBytes,
    wireBytes: s.wireBytes,
    decoded: s.decodedOk,
    skipped: s.skipped,
    fragmentsHeld: s.fragmentsHeld,
    truncatedBySnaplen: s.truncatedBySnaplen,
    firstTs: s.packets > 0 ? s.firstTs : null,
    lastTs: s.packets > 0 ? s.lastTs : null,
    timeSpanSec: s.timeSpanSec(),
    layers: sensor.decoder.layerCounts(),
    tunnelIds: [...s.tunnelIds].sort(),
    tunnelIdsOverflow: s.tunnelIdsOverflow,
    reassembly: { ...sensor.reassembler.stats(), ...sensor.counters.snapshot('reassembly.') },
    http: { ...sensor.httpTotals, ...sensor.counters.snapshot('http.') },
    anomalies: sensor.counters.snapshot('decode.'),
    capture: sensor.counters.snapshot('capture.'),
    elapsedSec,
    packetsPerSec: elapsedSec > 0 ? s.packets / elapsedSec : 0,
    mbPerSec: elapsedSec > 0 ? s.capturedBytes / 1e6 / elapsedSec : 0,
  };
}

/** One line per transaction for the text format: time, client → server, request, status. */
export function transactionText(tx: HttpTransaction): string {
  const when = new Date(tx.ts * 1000).toISOString();
  const status = tx.status === null ? '-' : String(tx.status);
  const request = tx.method === null ? '(no request seen)' : `${tx.method} ${tx.host ?? '-'} ${redactTransactionUri(tx) ?? ''}`;
  const flags = tx.completeness === 'full' ? '' : ` [${tx.completeness}]`;
  // the request line is text from the wire: a raw CR or ESC in it must not reach the terminal
  return `${escapeControl(`${when} ${tx.client} -> ${tx.server} ${request} ${status}${flags}`)}\n`;
}

/** Human-readable form of the stats record. */
export function statsText(rec: Record<string, unknown>): string {
  const lines: string[] = [];
  const num = (k: string): string => String(rec[k] ?? 0);
  lines.push(`files:      ${(rec['files'] as string[]).join(', ')}`);
  lines.push(`packets:    ${num('packets')} (${num('bytes')} bytes captured, ${num('wireBytes')} on the wire)`);
  lines.push(`decoded:    ${num('decoded')} ok, ${num('skipped')} skipped, ${num('fragmentsHeld')} fragments held`);
  const first = rec['firstTs'];
  if (typeof first === 'number') {
    lines.push(`time span:  ${new Date(first * 1000).toISOString()} + ${(rec['timeSpanSec'] as number).toFixed(6)} s`);
  }
  const section = (title: string, values: Record<string, number>): void => {
    const entries = Object.entries(values).filter(([, v]) => v > 0);
    if (entries.length === 0) return;
    lines.push(`${title}:`);
    for (const [k, v] of entries) lines.push(`  ${k.padEnd(40)} ${v}`);
  };
  section('layers', rec['layers'] as Record<string, number>);
  const tunnels = rec['tunnelIds'] as string[];
  if (tunnels.length > 0) lines.push(`tunnel ids: ${tunnels.join(' ')}`);
  section('reassembly', rec['reassembly'] as Record<string, number>);
  section('http', rec['http'] as Record<string, number>);
  if (rec['inventory']) section('inventory', rec['inventory'] as Record<string, number>);
  if (rec['alerting']) section('alerting', rec['alerting'] as Record<string, number>);
  if (rec['models']) section('models', rec['models'] as Record<string, number>);
  section('anomalies', rec['anomalies'] as Record<string, number>);
  section('capture', rec['capture'] as Record<string, number>);
  lines.push(`rate:       ${Math.round(rec['packetsPerSec'] as number)} packets/s, ${(rec['mbPerSec'] as number).toFixed(1)} MB/s`);
  return lines.join('\n') + '\n';
}

/** An alert as a jsonl record: `type` is the record kind, so the alert's own type is `detector`. */
export function alertRecord(alert: Alert): Record<string, unknown> {
  const { type: detector, ...rest } = alert;
  return { type: 'alert', detector, ...rest };
}

/** One line per alert in the text output of replay. */
export function alertText(alert: Alert): string {
  const where = alert.endpoint ? ` ${alert.endpoint.method} ${alert.endpoint.host}${alert.endpoint.template}` : '';
  return `${escapeControl(`ALERT ${alert.severity} ${alert.type}${where} (${alert.recommendation.action}): ${alert.explanation.summary}`)}\n`;
}
