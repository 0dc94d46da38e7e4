// Reads a capture through the real addon (FileSource) and returns copies of its frames.
import { forEachFrame } from '../../src/capture/batch';
import { FileSource } from '../../src/capture/file-source';
import type { SourceResult } from '../../src/capture/source';
import { RawFrame, type SourceInfo } from '../../src/capture/types';

export interface CopiedFrame {
  tsSec: number;
  tsNsec: number;
  caplen: number;
  wirelen: number;
  linkType: number;
  bytes: Buffer;
}

export async function readFrames(
  file: string,
  opts: { filter?: string; batchBytes?: number } = {},
): Promise<{ info: SourceInfo; frames: CopiedFrame[]; result: SourceResult }> {
  const source = new FileSource(file, { filter: opts.filter ?? '', batchBytes: opts.batchBytes ?? 1 << 20 });
  const info = source.open();
  const frames: CopiedFrame[] = [];
  const frame = new RawFrame();
  const result = await source.run((batch, count, linkType) => {
    forEachFrame(batch, count, linkType, frame, (f) => {
      frames.push({
        tsSec: f.tsSec,
        tsNsec: f.tsNsec,
        caplen: f.caplen,
        wirelen: f.wirelen,
        linkType: f.linkType,
        bytes: Buffer.from(f.data.subarray(f.offset, f.offset + f.caplen)),
      });
    });
  });
  return { info, frames, result };
}

export function tsString(f: CopiedFrame): string {
  return `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`;
}
