// Mirror health on real captures through a real Sensor: a full capture is healthy; the same capture
// filtered to one direction, with the server's data packets removed (capture loss), a capture of TLS
// handshakes, and TCP without HTTP for longer than the window each raise their warning. The capture
// loss estimate (Zeek's ACKs above a hole) is checked against the packets tcpdump removed.
import t from 'tap';
import { DecodeStatus, Transport } from '../../../src/decode/types';
import { mirrorHealthSchema } from '../../../src/daemon/config';
import { MirrorHealth, type MirrorWarningKind } from '../../../src/daemon/mirror-health';
import { needsSharedData } from '../../helpers/shared-data';
import { hasTcpdump } from '../../helpers/tcpdump';
import { ESPN, ESPN_CLIENT, newSensor, replay, tcpdumpFilter, TLS_HANDSHAKES } from './replay';

const skip = needsSharedData || (!hasTcpdump && 'needs tcpdump');
const T0 = 1_000_000;
// small captures: lower minimums so one replay is enough evidence
const config = mirrorHealthSchema.parse({ minFlows: 10, minAcks: 50, minTcpPackets: 50, noHttpAfterSec: 60, noHttpMinTcpBytes: 1000 });

function kinds(h: MirrorHealth): MirrorWarningKind[] {
  return h.warnings.map((w) => w.kind).sort();
}

t.test('a full capture of HTTP traffic is healthy', { skip }, async (t) => {
  const sensor = newSensor();
  const health = new MirrorHealth(config, sensor, T0);
  t.same(health.warnings, [], 'no warnings before the first check');
  await replay(sensor, ESPN);
  health.evaluate(T0 + 10_000);
  t.same(kinds(health), []);
  const r = sensor.reassembler.stats();
  const i = health.interval!;
  t.equal(i.flowsWithData, r.flowsClosedWithData, 'interval counts are the reassembler deltas');
  t.equal(i.ackEvents, r.ackEvents);
  t.ok(i.ackEvents >= config.minAcks, `enough ACKs to judge (${i.ackEvents})`);
  t.equal(i.httpTransactions, sensor.httpTotals.transactions);
  t.equal(health.lossPercent, (100 * r.ackGapEvents) / r.ackEvents);
  t.ok(health.lossPercent! < config.maxLossPercent, `loss ${health.lossPercent}% is low`);
  // the next interval sees nothing new: deltas are zero, still healthy
  health.evaluate(T0 + 20_000);
  t.equal(health.interval!.ackEvents, 0);
  t.same(kinds(health), []);
});

t.test('only one direction mirrored', { skip }, async (t) => {
  const dir = t.testdir();
  for (const [label, filter] of [
    ['client to server', `src host ${ESPN_CLIENT}`],
    ['server to client', `dst host ${ESPN_CLIENT}`],
  ] as const) {
    const file = tcpdumpFilter(ESPN, filter, dir, `${label.replace(/ /g, '-')}.pcap`);
    const sensor = newSensor();
    const health = new MirrorHealth(config, sensor, T0);
    await replay(sensor, file);
    const found = health.evaluate(T0 + 10_000);
    const w = found.find((x) => x.kind === 'one-direction');
    t.ok(w, `${label}: one-direction warning`);
    const r = sensor.reassembler.stats();
    t.equal(r.flowsOneSided, r.flowsClosedWithData, `${label}: every flow one-sided`);
    t.same(w?.evidence, { flowsWithData: r.flowsClosedWithData, flowsOneSided: r.flowsOneSided });
    t.match(w?.fix, /both directions/);
  }
});

t.test('capture loss: ACKs for server data the mirror dropped', { skip }, async (t) => {
  const dir = t.testdir();
  // remove the server's PSH segments (the last segment of each response burst), keep everything else
  const dropFilter = `dst host ${ESPN_CLIENT} and tcp[tcpflags] & tcp-push != 0`;
  const lossy = tcpdumpFilter(ESPN, `not (${dropFilter})`, dir, 'lossy.pcap');
  const dropped = tcpdumpFilter(ESPN, dropFilter, dir, 'dropped.pcap');

  // what was removed, counted independently of the reassembler
  const droppedSensor = newSensor();
  let droppedSegments = 0;
  let droppedBytes = 0;
  droppedSensor.observe((pkt, status) => {
    if (status === DecodeStatus.Ok && pkt.transport === Transport.Tcp && pkt.payloadLength > 0) {
      droppedSegments++;
      droppedBytes += pkt.payloadLength;
    }
  });
  await replay(droppedSensor, dropped);

  const full = newSensor();
  await replay(full, ESPN);
  const base = full.reassembler.stats();

  const sensor = newSensor();
  const health = new MirrorHealth(config, sensor, T0);
  await replay(sensor, lossy);
  health.evaluate(T0 + 10_000);
  const r = sensor.reassembler.stats();
  const extraEvents = r.ackGapEvents - base.ackGapEvents;
  const extraBytes = r.ackGapBytes - base.ackGapBytes;
  t.ok(droppedSegments > 50, `tcpdump removed ${droppedSegments} data segments`);
  t.ok(extraEvents > droppedSegments / 2 && extraEvents <= droppedSegments, `gap ACK events ${extraEvents} account for the ${droppedSegments} removed segments`);
  t.ok(extraBytes > droppedBytes / 2 && extraBytes <= droppedBytes, `gap bytes ${extraBytes} within the ${droppedBytes} removed`);
  t.ok(r.ackEvents >= base.ackEvents - droppedSegments, 'ACK events are still counted');

  const loss = (100 * r.ackGapEvents) / r.ackEvents;
  t.equal(health.lossPercent, loss);
  const w = health.warnings.find((x) => x.kind === 'capture-loss');
  t.ok(w, `capture-loss warning at ${loss.toFixed(1)}%`);
  t.equal(w?.evidence['lossPercent'], loss);
  t.notOk(health.warnings.some((x) => x.kind === 'one-direction'), 'both directions are still there');

  // the same capture under a higher threshold is not a warning
  const lenient = newSensor();
  const h2 = new MirrorHealth({ ...config, maxLossPercent: Math.ceil(loss) + 1 }, lenient, T0);
  await replay(lenient, lossy);
  t.notOk(h2.evaluate(T0 + 10_000).some((x) => x.kind === 'capture-loss'), 'below the configured threshold');
});

t.test('everything encrypted, and no HTTP for longer than the window', { skip }, async (t) => {
  const sensor = newSensor();
  const health = new MirrorHealth(config, sensor, T0);
  let tls = 0;
  let payload = 0;
  sensor.observe((pkt, status) => {
    if (status !== DecodeStatus.Ok || pkt.transport !== Transport.Tcp || pkt.payloadLength === 0) return;
    payload++;
    if (pkt.srcPort === 443 || pkt.dstPort === 443 || pkt.data[pkt.payloadOffset] === 0x16 || pkt.data[pkt.payloadOffset] === 0x17) tls++;
  });
  await replay(sensor, TLS_HANDSHAKES);
  t.equal(sensor.httpTotals.transactions, 0, 'no HTTP in a TLS capture');
  health.evaluate(T0 + 10_000);
  const w = health.warnings.find((x) => x.kind === 'encrypted');
  t.ok(w, 'encrypted warning');
  t.equal(w?.evidence['tcpPayloadPackets'], payload, 'every TCP payload packet counted');
  t.ok(tls / payload > config.maxEncryptedRatio, `most are TLS (${tls}/${payload})`);
  t.match(w?.fix, /TLS termination/);
  t.notOk(kinds(health).includes('no-http'), 'no-http waits for its window');

  // a minute later with nothing new: the window has passed without HTTP
  health.evaluate(T0 + 70_000);
  const quiet = health.warnings.find((x) => x.kind === 'no-http');
  t.ok(quiet, 'no-http warning after noHttpAfterSec');
  t.ok((quiet?.evidence['tcpPayloadBytes'] ?? 0) >= config.noHttpMinTcpBytes);

  // HTTP arriving clears it
  await replay(sensor, ESPN);
  health.evaluate(T0 + 80_000);
  t.notOk(kinds(health).includes('no-http'), 'cleared once HTTP is found');
  t.notOk(kinds(health).includes('encrypted'), 'plain HTTP interval is not encrypted');
});

t.test('start() evaluates on its interval and reports', { skip }, async (t) => {
  const sensor = newSensor();
  const health = new MirrorHealth({ ...config, intervalSec: 1 }, sensor);
  await replay(sensor, ESPN);
  const reported = await new Promise<number>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error('no report within 3 s')), 3000);
    health.start((_w, interval) => {
      clearTimeout(guard);
      resolve(interval.ackEvents);
    });
  });
  health.stop();
  t.equal(reported, sensor.reassembler.stats().ackEvents);
  const disabled = new MirrorHealth({ ...config, enabled: false }, newSensor());
  disabled.start(() => t.fail('disabled health must not report'));
  disabled.stop();
});
