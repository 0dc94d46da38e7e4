// Records produced by capture sources. A frame's bytes are a view into the current batch buffer and
// are valid only until the batch callback returns (DESIGN §2): copy what must outlive the batch.

/** One captured frame; the object is reused for every frame of a batch. */
export class RawFrame {
  /** Seconds part of the packet timestamp. */
  tsSec = 0;
  /** Nanoseconds within the second (microsecond sources are scaled up). */
  tsNsec = 0;
  caplen = 0;
  wirelen = 0;
  /** libpcap DLT_* value of the source. */
  linkType = 0;
  /** The batch buffer; the frame is data[offset, offset + caplen). */
  data: Buffer = Buffer.alloc(0);
  offset = 0;
}

export interface CaptureStats {
  received: number;
  droppedKernel: number;
  droppedInterface: number;
}

export interface SourceInfo {
  linkType: number;
  linkTypeName: string;
  snaplen: number;
  nanosecond: boolean;
}

/** Called once per batch; `frame` is reused for each of the `count` frames via `forEachFrame`. */
export type BatchHandler = (batch: Buffer, count: number, linkType: number) => void;
