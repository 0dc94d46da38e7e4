// Truncation at every byte offset of every header of every sample frame: decoding the first n
// bytes never throws, and when n cuts a header the anomaly names that header's protocol.
import t from 'tap';
import { PacketDecoder } from '../../../src/decode/decoder';
import { DecodedPacket, DecodeStatus } from '../../../src/decode/types';
import { Counters } from '../../../src/core/counters';
import { headerEnd, spanAt, toFrame } from './frames';
import { config } from './helpers';
import { samples } from './samples';

for (const s of samples()) {
  t.test(s.name, async (t) => {
    const counters = new Counters();
    const decoder = new PacketDecoder(config(), counters);
    const out = new DecodedPacket();
    const bytes = s.built.bytes;
    const hdrEnd = headerEnd(s.built);
    const full = decoder.decode(toFrame(bytes, s.linkType), out);
    t.equal(full, DecodeStatus.Ok, 'the whole frame decodes');
    t.same(out.anomalies, []);
    let mismatches = 0;
    for (let n = 0; n <= bytes.length; n++) {
      const status = decoder.decode(toFrame(bytes.subarray(0, n), s.linkType), out);
      const cut = spanAt(s.built, n);
      if (n === 0 && (s.linkType === 101 || s.linkType === 12)) {
        // Raw IP with no byte at all: the version nibble (and so the IP decoder) is unknown.
        if (out.anomalies[0] !== 'decode.raw.truncated') t.fail(`n=0: got ${JSON.stringify(out.anomalies)}`);
      } else if (s.linkType === 239 && (n === 4 || n === 16)) {
        // NFLOG cut exactly between TLVs looks like a record without a payload TLV: nothing to decode.
        if (status !== DecodeStatus.Ok || out.ipVersion !== 0) t.fail(`n=${n}: nflog boundary gave ${status}`);
      } else if (n < hdrEnd) {
        const want = `decode.${cut ?? '?'}.truncated`;
        if (status !== DecodeStatus.Skipped || out.anomalies.length !== 1 || out.anomalies[0] !== want) {
          if (mismatches++ < 5) t.fail(`n=${n}: want ${want}, got status ${status} ${JSON.stringify(out.anomalies)}`);
        }
      } else if (status !== DecodeStatus.Ok || out.payloadMissing !== bytes.length - n) {
        if (mismatches++ < 5) t.fail(`n=${n}: want Ok with ${bytes.length - n} missing, got ${status} missing=${out.payloadMissing} ${JSON.stringify(out.anomalies)}`);
      }
    }
    t.equal(mismatches, 0, `all ${bytes.length + 1} cuts give the expected result`);
    t.equal(counters.get('decode.internal_error'), 0);
  });
}
