// Walks a batch buffer filled by the addon: per packet a 16-byte little-endian header (tsSec,
// tsNsec, caplen, wirelen), then the bytes padded to 4. One RawFrame object is reused.
import { RawFrame } from './types';

export const RECORD_HEADER_BYTES = 16;

export function forEachFrame(
  batch: Buffer,
  count: number,
  linkType: number,
  frame: RawFrame,
  visit: (frame: RawFrame) => void,
): void {
  let pos = 0;
  frame.data = batch;
  frame.linkType = linkType;
  for (let i = 0; i < count; i++) {
    const caplen = batch.readUInt32LE(pos + 8);
    frame.tsSec = batch.readUInt32LE(pos);
    frame.tsNsec = batch.readUInt32LE(pos + 4);
    frame.caplen = caplen;
    frame.wirelen = batch.readUInt32LE(pos + 12);
    frame.offset = pos + RECORD_HEADER_BYTES;
    visit(frame);
    pos += RECORD_HEADER_BYTES + ((caplen + 3) & ~3);
  }
}
