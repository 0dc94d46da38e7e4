// The native file reader against tcpdump's reading of the same real captures: counts, timestamps,
// formats (pcap µs/ns, big-endian, pcapng multi-interface, gzip, empty), batching, filters, errors.
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { FileSource } from '../../../src/capture/file-source';
import { CaptureError } from '../../../src/capture/errors';
import { readFrames, tsString } from '../../helpers/read-frames';
import { TRACES } from '../../helpers/paths';
import { SHARED_PCAPS, needsSharedData } from '../../helpers/shared-data';
import { hasTcpdump, tcpdumpCount, tcpdumpTimestamps } from '../../helpers/tcpdump';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-capture-'));
const sample = path.join(TRACES, 'docker-http-upgrade.pcap');

/** Rewrites a little-endian classic pcap with big-endian headers (same packets, other byte order). */
function toBigEndian(le: Buffer): Buffer {
  const be = Buffer.from(le);
  be.writeUInt32BE(le.readUInt32LE(0), 0);
  be.writeUInt16BE(le.readUInt16LE(4), 4);
  be.writeUInt16BE(le.readUInt16LE(6), 6);
  for (const off of [8, 12, 16, 20]) be.writeUInt32BE(le.readUInt32LE(off), off);
  for (let pos = 24; pos + 16 <= le.length; ) {
    const caplen = le.readUInt32LE(pos + 8);
    for (let k = 0; k < 16; k += 4) be.writeUInt32BE(le.readUInt32LE(pos + k), pos + k);
    pos += 16 + caplen;
  }
  return be;
}

t.test('classic pcap: same packets and timestamps as tcpdump', { skip: !hasTcpdump && 'tcpdump missing' }, async (t) => {
  const { info, frames, result } = await readFrames(sample);
  t.equal(info.linkType, 1, 'Ethernet');
  t.equal(frames.length, tcpdumpCount(sample));
  t.equal(result.packets, frames.length);
  t.notOk(result.error);
  t.same(frames.map(tsString), tcpdumpTimestamps(sample), 'nanosecond timestamps match tcpdump --nano');
  for (const f of frames) if (f.caplen > f.wirelen) t.fail('caplen > wirelen');
});

t.test('big-endian pcap reads the same as its little-endian original', async (t) => {
  const be = path.join(tmp, 'big-endian.pcap');
  writeFileSync(be, toBigEndian(readFileSync(sample)));
  const a = await readFrames(sample);
  const b = await readFrames(be);
  t.equal(b.frames.length, a.frames.length);
  t.same(b.frames, a.frames);
});

t.test('real big-endian and nanosecond captures', { skip: needsSharedData || (!hasTcpdump && 'tcpdump missing') }, async (t) => {
  for (const rel of ['tcpreplay/test.rewrite_vlan802.1ad.pcap', 'tcpdump/tests/tcp-handshake-nano.pcap']) {
    const file = path.join(SHARED_PCAPS, rel);
    const { frames } = await readFrames(file);
    t.equal(frames.length, tcpdumpCount(file), `${rel}: count`);
    t.same(frames.map(tsString), tcpdumpTimestamps(file), `${rel}: timestamps`);
  }
  const nano = await readFrames(path.join(SHARED_PCAPS, 'tcpdump/tests/tcp-handshake-nano.pcap'));
  t.ok(nano.frames.some((f) => f.tsNsec % 1000 !== 0), 'sub-microsecond digits survive');
});

t.test('pcapng with several interfaces', { skip: needsSharedData || (!hasTcpdump && 'tcpdump missing') }, async (t) => {
  const file = path.join(SHARED_PCAPS, 'zeek/Traces/pcapng-multi-interface.pcapng');
  const { frames } = await readFrames(file);
  t.equal(frames.length, tcpdumpCount(file));
  t.same(frames.map(tsString), tcpdumpTimestamps(file));
});

t.test('gzip: a .gz capture yields exactly the packets of the plain file', async (t) => {
  const gz = path.join(tmp, 'sample.pcap.gz');
  writeFileSync(gz, gzipSync(readFileSync(sample)));
  const plain = await readFrames(sample);
  const zipped = await readFrames(gz);
  t.same(zipped.frames, plain.frames);
  // gzip is detected by content, not by name
  const renamed = path.join(tmp, 'sample-gz-without-suffix.pcap');
  copyFileSync(gz, renamed);
  t.same((await readFrames(renamed)).frames, plain.frames);
});

t.test('real gzipped capture from the zeek suite', { skip: needsSharedData || (!hasTcpdump && 'tcpdump missing') }, async (t) => {
  const gz = path.join(SHARED_PCAPS, 'zeek/Traces/http/1000-requests-one-dropped-response.pcap.gz');
  const plain = path.join(tmp, 'thousand.pcap');
  const { gunzipSync } = await import('node:zlib');
  writeFileSync(plain, gunzipSync(readFileSync(gz)));
  const { frames } = await readFrames(gz);
  t.equal(frames.length, tcpdumpCount(plain));
});

t.test('empty capture (header only) ends cleanly with no packets', async (t) => {
  const empty = path.join(tmp, 'empty.pcap');
  writeFileSync(empty, readFileSync(sample).subarray(0, 24));
  const { frames, result } = await readFrames(empty);
  t.equal(frames.length, 0);
  t.notOk(result.error);
});

t.test('small batches deliver the same frames as one large batch', async (t) => {
  const big = await readFrames(sample, { batchBytes: 8 << 20 });
  const maxRecord = Math.max(...big.frames.map((f) => 16 + ((f.caplen + 3) & ~3)));
  for (const batchBytes of [maxRecord, maxRecord + 1, maxRecord * 2 + 7, 4096 * 3]) {
    if (batchBytes < maxRecord) continue;
    const small = await readFrames(sample, { batchBytes });
    t.same(small.frames, big.frames, `batchBytes=${batchBytes}`);
    t.ok(small.result.batches > 1, `batchBytes=${batchBytes} used several batches`);
  }
});

t.test('a packet larger than the batch buffer is a clear read error, not a crash', async (t) => {
  const { result, frames } = await readFrames(sample, { batchBytes: 64 });
  t.equal(frames.length, 0);
  t.type(result.error, CaptureError);
  t.match(result.error?.message, /batch buffer smaller than one packet/);
});

t.test('BPF filter', { skip: !hasTcpdump && 'tcpdump missing' }, async (t) => {
  const filter = 'tcp[tcpflags] & tcp-syn != 0';
  const { frames } = await readFrames(sample, { filter });
  t.ok(frames.length > 0);
  t.equal(frames.length, tcpdumpCount(sample, filter), 'same count as tcpdump with the same filter');
});

t.test('errors are typed CaptureErrors with libpcap wording', async (t) => {
  const open = (file: string, filter = ''): void => {
    new FileSource(file, { filter, batchBytes: 1 << 20 }).open();
  };
  t.throws(() => open(path.join(tmp, 'does-not-exist.pcap')), { name: 'CaptureError', code: 'ERR_PCAP_OPEN', message: /No such file/ });
  const garbage = path.join(tmp, 'garbage.pcap');
  writeFileSync(garbage, Buffer.from('this is not a capture file at all, just text\n'.repeat(10)));
  t.throws(() => open(garbage), { code: 'ERR_PCAP_OPEN', message: /unknown file format|format/ });
  const tiny = path.join(tmp, 'tiny.pcap');
  writeFileSync(tiny, Buffer.from([0xd4, 0xc3]));
  t.throws(() => open(tiny), { code: 'ERR_PCAP_OPEN' });
  t.throws(() => open(sample, 'tcp port nonsense-word'), { code: 'ERR_PCAP_FILTER', message: /bad filter/ });
});

t.test('truncated capture: packets before the cut are kept, the cut is a read error', { skip: !hasTcpdump && 'tcpdump missing' }, async (t) => {
  const whole = readFileSync(sample);
  const cut = path.join(tmp, 'cut.pcap');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
  const { frames, result } = await readFrames(cut);
  t.equal(frames.length, tcpdumpCount(cut), 'same complete packets as tcpdump');
  t.ok(frames.length > 0);
  t.type(result.error, CaptureError);
  t.equal((result.error as CaptureError).code, 'ERR_PCAP_READ');
  t.match(result.error?.message, /truncated/);
});
