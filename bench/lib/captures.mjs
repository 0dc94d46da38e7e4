// The captures: named ones made by bench/make-capture.sh when missing, their meta file (written by
// make-capture.sh, with the ground truth), and a first pass over each that counts its packets.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH, KNOWN_CAPTURES, OUT } from './paths.mjs';

// Counts the records of a classic pcap file (and reads it into the page cache).
function scanPcap(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(24);
    if (fs.readSync(fd, head, 0, 24, 0) < 24) throw new Error(`${file}: too short for a pcap file`);
    const magic = head.readUInt32LE(0);
    let le;
    if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
    else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
    else return { packets: null, capturedBytes: null, note: 'not a classic pcap file (pcapng?): packets from tapwatch' };
    const u32 = (buf, off) => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
    const linkType = u32(head, 20) & 0x0fffffff;
    const buf = Buffer.alloc(8 << 20);
    let filePos = 24;
    let have = 0;
    let packets = 0;
    let capturedBytes = 0;
    while (true) {
      const n = fs.readSync(fd, buf, have, buf.length - have, filePos);
      filePos += n;
      have += n;
      let off = 0;
      while (off + 16 <= have) {
        const incl = u32(buf, off + 8);
        if (incl > buf.length - 16) throw new Error(`${file}: bad record length ${incl} after ${packets} packets`);
        if (off + 16 + incl > have) break;
        packets++;
        capturedBytes += incl;
        off += 16 + incl;
      }
      buf.copy(buf, 0, off, have);
      have -= off;
      if (n === 0) break;
    }
    return { packets, capturedBytes, linkType, trailingBytes: have };
  } finally {
    fs.closeSync(fd);
  }
}

export function resolveCaptures(names) {
  const list = names.map((n) => {
    if (KNOWN_CAPTURES.includes(n)) return { name: n, file: path.join(OUT, `${n}.pcap`), generated: true };
    if (fs.existsSync(n)) return { name: path.basename(n).replace(/\.pcap$/, ''), file: path.resolve(n), generated: false };
    console.error(`unknown capture ${n}: expected ${KNOWN_CAPTURES.join(', ')}, or an existing pcap file`);
    process.exit(1);
  });
  const missing = list.filter((c) => c.generated && !fs.existsSync(c.file)).map((c) => c.name);
  if (missing.length > 0) {
    console.log(`== making missing captures: ${missing.join(' ')} (bench/make-capture.sh)`);
    const r = spawnSync('bash', [path.join(BENCH, 'make-capture.sh'), ...missing], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`bench/make-capture.sh failed (exit ${r.status})`);
      process.exit(1);
    }
  }
  return list;
}

export function readMeta(cap) {
  if (!cap.generated) return null;
  try {
    return JSON.parse(fs.readFileSync(path.join(OUT, `${cap.name}.meta.json`), 'utf8'));
  } catch {
    return null;
  }
}

export function scanCapture(cap) {
  const fileBytes = fs.statSync(cap.file).size;
  const mb = fileBytes / 1e6;
  process.stdout.write(`== ${cap.name}: ${cap.file} (${mb.toFixed(1)} MB), counting packets ... `);
  const scan = scanPcap(cap.file); // also warms the page cache
  console.log(scan.packets === null ? scan.note : `${scan.packets.toLocaleString('en-US')} packets`);
  return { fileBytes, mb, scan };
}
