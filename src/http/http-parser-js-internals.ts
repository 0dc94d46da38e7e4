// The parts of http-parser-js 0.5.10 that the message parser drives (the version is pinned): a typed
// view of its parser object, the prototype our parsers share (the overrides are installed on it by
// MessageParser), and how an error raised inside it becomes an anomaly name.

import { HTTPParser } from 'http-parser-js';
import type { MessageParser } from './message-parser';
import * as A from './anomalies';

export type ParserInfo = {
  headers: string[];
  upgrade: boolean;
  method?: number;
  url?: string;
  versionMajor?: number;
  versionMinor?: number;
  statusCode?: number;
  statusMessage?: string;
};

/** The parts of http-parser-js's parser object we use (0.5.10). */
export interface Internals {
  state: string;
  line: string;
  offset: number;
  end: number;
  chunk: Buffer | null;
  info: ParserInfo;
  body_bytes: number | null;
  isChunked: boolean;
  isUserCall: boolean;
  hadError: boolean;
  maxHeaderSize: number;
  execute(buf: Buffer, start: number, length: number): number | Error;
  finish(): Error | undefined;
  initialize(type: string): void;
  nextRequest(): void;
  userCall(): (r: unknown) => unknown;
  consumeLine(): string | undefined;
  parseHeader(line: string, headers: string[]): void;
  reinitialize(type: string): void;
  REQUEST_LINE(): unknown;
  RESPONSE_LINE(): unknown;
  [key: number]: unknown;
}

interface ParserStatics {
  new (type: string): Internals;
  REQUEST: string;
  RESPONSE: string;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  methods: string[];
  prototype: Internals;
}

export const HP = HTTPParser as unknown as ParserStatics;
export const PROTO = HP.prototype;

/** An http-parser-js parser that knows its message parser (the overrides reach it through this). */
export interface TapInternals extends Internals {
  adapter: MessageParser;
}

/** Prototype of our parsers: http-parser-js's, plus the overrides installed by MessageParser. */
export const TAP_PROTO = Object.create(PROTO) as TapInternals;

export function newTapParser(type: string, adapter: MessageParser): TapInternals {
  const p = Object.create(TAP_PROTO) as TapInternals;
  p.adapter = adapter;
  (HTTPParser as unknown as (this: Internals, type: string) => void).call(p, type);
  p.maxHeaderSize = Infinity;
  return p;
}

/** An error raised by our overrides inside the parser; carries the anomaly name. */
export class ParseStop extends Error {
  constructor(readonly anomaly: string) {
    super(anomaly);
  }
}

export function errorAnomaly(err: unknown): string {
  if (err instanceof ParseStop) return err.anomaly;
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'HPE_INVALID_CONSTANT':
      return A.PARSE_ERROR_PREFIX + 'invalid_start_line';
    case 'HPE_LF_EXPECTED':
      return A.PARSE_ERROR_PREFIX + 'invalid_header';
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return A.PARSE_ERROR_PREFIX + 'content_length_mismatch';
  }
  if (e.message === 'Expected empty line') return A.PARSE_ERROR_PREFIX + 'chunk_terminator';
  return A.PARSE_ERROR_PREFIX + 'other';
}
