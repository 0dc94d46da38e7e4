// tshark's reading of every shared capture (../shared/data/derived/tshark-4.0.17/http_messages.tsv,
// MANIFEST.md §5): one row per frame carrying HTTP messages; pipelined messages in one frame are
// joined with '|'. Here: the number of requests tshark saw per capture.
import { readFileSync } from 'node:fs';

/** Capture path relative to shared/data (e.g. pcaps/zeek/Traces/http/get.pcap) → request count. */
export function tsharkRequestCounts(tsvText: string): Map<string, number> {
  const counts = new Map<string, number>();
  const lines = tsvText.split('\n');
  const header = (lines[0] ?? '').split('\t');
  const pcapCol = header.indexOf('pcap');
  const methodCol = header.indexOf('method');
  if (pcapCol < 0 || methodCol < 0) throw new Error('http_messages.tsv: no pcap/method column');
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const cells = line.split('\t');
    const pcap = cells[pcapCol] ?? '';
    const method = cells[methodCol] ?? '';
    if (method === '') continue;
    counts.set(pcap, (counts.get(pcap) ?? 0) + method.split('|').filter((m) => m !== '').length);
  }
  return counts;
}

export function readTsharkRequestCounts(file: string): Map<string, number> {
  return tsharkRequestCounts(readFileSync(file, 'utf8'));
}
