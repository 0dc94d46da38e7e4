// Fuzz-style robustness: a seeded PRNG mutates valid frames of every link type and tunnel (bit
// flips, byte changes, truncation, length-field corruption, link-type swaps) and makes random
// frames; decode must never throw and the output record must stay self-consistent.
import t from 'tap';
import { PacketDecoder } from '../../../src/decode/decoder';
import { DecodedPacket, DecodeStatus, MAX_TUNNELS, MAX_VLAN_TAGS } from '../../../src/decode/types';
import { Counters } from '../../../src/core/counters';
import { eth, ipv4, ipv6, payload, tcp, toFrame } from './frames';
import { config } from './helpers';
import { samples } from './samples';
import { prng } from '../../helpers/prng';


const LINK_TYPES = [0, 1, 9, 12, 101, 104, 108, 113, 228, 229, 239, 276];

t.test('50k mutated and random frames never throw', async (t) => {
  const rnd = prng(0x7a9a7c4);
  const int = (n: number): number => Math.floor(rnd() * n);
  const base = samples().map((s) => ({ bytes: s.built.bytes, linkType: s.linkType }));
  // Fragments so the reassembly path is fuzzed too.
  const data = tcp({ sport: 1, dport: 2 }, payload('x'.repeat(64))).bytes;
  base.push({ bytes: eth(0x0800, ipv4({ proto: 6, more: true, rawPayload: true }, payload(Array.from(data.subarray(0, 32))))).bytes, linkType: 1 });
  base.push({ bytes: eth(0x0800, ipv4({ proto: 6, fragOffset: 32, rawPayload: true }, payload(Array.from(data.subarray(32))))).bytes, linkType: 1 });
  base.push({ bytes: eth(0x86dd, ipv6({ proto: 44, rawPayload: true }, payload([6, 0, 0, 1, 0, 0, 0, 9, ...data.subarray(0, 24)]))).bytes, linkType: 1 });

  const decoders = [
    new PacketDecoder(config(), new Counters()),
    new PacketDecoder(config({ verifyChecksums: true, maxLayers: 8, fragments: { maxDatagrams: 4, maxBytes: 65535, timeoutSec: 1 } }), new Counters()),
  ];
  const out = new DecodedPacket();
  const started = Date.now();
  const statuses = [0, 0, 0];
  let thrown = 0;
  let inconsistent = 0;
  const N = 50_000;
  for (let i = 0; i < N; i++) {
    let bytes: Uint8Array;
    let linkType: number;
    if (i % 10 === 9) {
      bytes = new Uint8Array(int(200));
      for (let k = 0; k < bytes.length; k++) bytes[k] = int(256);
      linkType = LINK_TYPES[int(LINK_TYPES.length)]!;
    } else {
      const b = base[int(base.length)]!;
      bytes = Uint8Array.from(b.bytes);
      linkType = b.linkType;
      const mutations = 1 + int(4);
      for (let m = 0; m < mutations && bytes.length > 0; m++) {
        const pos = int(bytes.length);
        switch (int(6)) {
          case 0:
            bytes[pos] = bytes[pos]! ^ (1 << int(8));
            break;
          case 1:
            bytes[pos] = int(256);
            break;
          case 2:
            bytes = bytes.subarray(0, int(bytes.length + 1));
            break;
          case 3: {
            // Length/offset-like 16-bit field set to an extreme.
            const v = [0, 1, 0xffff, 0x8000, int(65536)][int(5)]!;
            bytes[pos] = v >> 8;
            if (pos + 1 < bytes.length) bytes[pos + 1] = v & 0xff;
            break;
          }
          case 4:
            bytes[pos] = [0x00, 0xff, 0x45, 0x60, 0x81, 0x88, 0x2f, 0x11][int(8)]!;
            break;
          default:
            if (int(4) === 0) linkType = LINK_TYPES[int(LINK_TYPES.length)]!;
        }
      }
    }
    const dec = decoders[i & 1]!;
    try {
      const st = dec.decode(toFrame(bytes, linkType, 1_700_000_000 + (i >> 6), 0, int(3)), out);
      statuses[st] = (statuses[st] ?? 0) + 1;
      if (
        out.payloadLength < 0 ||
        out.payloadOffset < 0 ||
        (st === DecodeStatus.Ok && out.payloadOffset + out.payloadLength > out.data.length) ||
        out.vlanCount > MAX_VLAN_TAGS ||
        out.tunnelCount > MAX_TUNNELS ||
        out.payloadMissing < 0 ||
        (st === DecodeStatus.Skipped && out.anomalies.length === 0)
      ) {
        if (inconsistent++ < 5) t.fail(`inconsistent output for frame ${Buffer.from(bytes).toString('hex')} lt=${linkType}`);
      }
    } catch (e) {
      if (thrown++ < 5) t.fail(`threw on ${Buffer.from(bytes).toString('hex')} lt=${linkType}: ${String(e)}`);
    }
  }
  const ms = Date.now() - started;
  t.equal(thrown, 0, 'no throw');
  t.equal(inconsistent, 0, 'output consistent');
  for (const d of decoders) t.equal((d as unknown as { ctx: { counters: Counters } }).ctx.counters.get('decode.internal_error'), 0, 'no internal error');
  t.ok(statuses[0]! > 1000 && statuses[1]! > 1000, `mix of outcomes ${JSON.stringify(statuses)}`);
  t.ok(ms < 10_000, `bounded time (${ms} ms)`);
});
