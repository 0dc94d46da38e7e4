// Test-only capture file reader: classic pcap (both byte orders, µs and ns magic, gzip-wrapped) and
// pcapng (SHB byte order, IDB link type + if_tsresol, EPB, SPB, obsolete PB). Enough to feed real
// captures to the decoder while the native capture addon is being wired.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { RawFrame } from '../../../src/capture/types';

export interface PcapFile {
  frames: RawFrame[];
  linkTypes: number[];
}

export function readCapture(path: string): PcapFile {
  let buf = readFileSync(path);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x0a0d0d0a) return readPcapng(buf);
  return readPcap(buf);
}

function frame(buf: Buffer, tsSec: number, tsNsec: number, caplen: number, wirelen: number, linkType: number, offset: number): RawFrame {
  const f = new RawFrame();
  f.data = buf;
  f.offset = offset;
  f.caplen = Math.min(caplen, buf.length - offset);
  f.wirelen = wirelen;
  f.tsSec = tsSec;
  f.tsNsec = tsNsec;
  f.linkType = linkType;
  return f;
}

export function readPcap(buf: Buffer): PcapFile {
  if (buf.length < 24) return { frames: [], linkTypes: [] };
  const magicLe = buf.readUInt32LE(0);
  const magicBe = buf.readUInt32BE(0);
  let le: boolean;
  let nano: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
    le = true;
    nano = magicLe === 0xa1b23c4d;
  } else if (magicBe === 0xa1b2c3d4 || magicBe === 0xa1b23c4d) {
    le = false;
    nano = magicBe === 0xa1b23c4d;
  } else {
    throw new Error('not a pcap file');
  }
  const r32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = r32(20) & 0x0fffffff;
  const frames: RawFrame[] = [];
  let o = 24;
  while (o + 16 <= buf.length) {
    const sec = r32(o);
    const frac = r32(o + 4);
    const incl = r32(o + 8);
    const orig = r32(o + 12);
    o += 16;
    if (o + incl > buf.length) break;
    frames.push(frame(buf, sec, nano ? frac : frac * 1000, incl, orig, linkType, o));
    o += incl;
  }
  return { frames, linkTypes: [linkType] };
}

interface Iface {
  linkType: number;
  /** Timestamp units per second. */
  unitsPerSec: number;
}

export function readPcapng(buf: Buffer): PcapFile {
  const frames: RawFrame[] = [];
  const linkTypes: number[] = [];
  let le = true;
  let ifaces: Iface[] = [];
  let o = 0;
  const r16 = (p: number): number => (le ? buf.readUInt16LE(p) : buf.readUInt16BE(p));
  const r32 = (p: number): number => (le ? buf.readUInt32LE(p) : buf.readUInt32BE(p));
  while (o + 12 <= buf.length) {
    if (buf.readUInt32LE(o) === 0x0a0d0d0a) {
      // Section header: byte-order magic decides the endianness of the whole section.
      le = buf.readUInt32LE(o + 8) === 0x1a2b3c4d;
      ifaces = [];
    }
    const type = r32(o);
    const len = r32(o + 4);
    if (len < 12 || o + len > buf.length) break;
    const body = o + 8;
    if (type === 1) {
      const lt = r16(body);
      let unitsPerSec = 1e6;
      // Options: if_tsresol (9).
      let p = body + 8;
      while (p + 4 <= o + len - 4) {
        const code = r16(p);
        const olen = r16(p + 2);
        if (code === 0) break;
        if (code === 9 && olen >= 1) {
          const v = buf[p + 4]!;
          unitsPerSec = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
        }
        p += 4 + ((olen + 3) & ~3);
      }
      ifaces.push({ linkType: lt, unitsPerSec });
      linkTypes.push(lt);
    } else if (type === 6 || type === 2) {
      const ifIndex = type === 6 ? r32(body) : r16(body);
      const iface = ifaces[ifIndex];
      if (iface !== undefined) {
        const ts = r32(body + 4) * 2 ** 32 + r32(body + 8);
        const caplen = r32(body + 12);
        const wirelen = r32(body + 16);
        const sec = Math.floor(ts / iface.unitsPerSec);
        const nsec = Math.round(((ts - sec * iface.unitsPerSec) * 1e9) / iface.unitsPerSec);
        frames.push(frame(buf, sec, nsec, Math.min(caplen, len - 32), wirelen, iface.linkType, body + 20));
      }
    } else if (type === 3) {
      const iface = ifaces[0];
      if (iface !== undefined) {
        const wirelen = r32(body);
        frames.push(frame(buf, 0, 0, Math.min(wirelen, len - 16), wirelen, iface.linkType, body + 4));
      }
    }
    o += len;
  }
  return { frames, linkTypes };
}
