// Finds every capture file under a folder by its magic number (pcap µs/ns either byte order,
// pcapng, gzip), not by name: the shared corpus has captures with any suffix.
import { openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const MAGICS = new Set(['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1', '0a0d0d0a']);

export function captureKind(file: string): 'pcap' | 'gzip' | null {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    return n === 4 && MAGICS.has(head.toString('hex')) ? 'pcap' : null;
  } finally {
    closeSync(fd);
  }
}

export function findCaptures(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile() && st.size >= 4 && captureKind(full) !== null) out.push(full);
    }
  };
  walk(root);
  return out;
}
