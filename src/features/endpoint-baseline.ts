// The baseline of one endpoint template (host, method, template): the common windows, its callers,
// its hour-of-week profile, the request body fields it receives, its bytes per returned record
// (so records can be estimated from a body's length without reading it), and its body sampling state.
import { Baseline } from './baseline';
import { compileTemplate, type CompiledTemplate } from './object-ids';
import { WindowHistory } from './window-counts';

/** Distinct dimension of an endpoint: the identities calling it. */
export const ENDPOINT_CALLERS = 0;

/** Bytes-per-record samples kept (the median is used). */
export const BYTES_PER_RECORD_SAMPLES = 16;

/** An endpoint's key: `GET api.example.com/users/{id:int}`. */
export function endpointKey(host: string, method: string, template: string): string {
  return `${method} ${host}${template}`;
}

export class EndpointBaseline extends Baseline {
  readonly kind = 'endpoint';
  readonly ids: CompiledTemplate;
  /** Request body fields with how many read bodies carried them. */
  readonly fields = new Map<string, number>();
  /** Bytes per record of the JSON responses read. */
  readonly bytesPerRecord = new WindowHistory(BYTES_PER_RECORD_SAMPLES, 1);
  /** Median of bytesPerRecord; NaN when a new sample made it stale (derived, not stored). */
  bytesPerRecordMedian = NaN;
  /** Eligible response bodies: seen, read, and seen since the last read. */
  respEligible = 0;
  respReads = 0;
  respSinceRead = 0;
  /** Responses read that held more than one record: a list endpoint, worth reading for the ids it shows. */
  respListReads = 0;
  /** Responses picked for reading that were not JSON (the endpoint's unread bodies count as records only when most were). */
  respOtherReads = 0;
  /** The same for request bodies. */
  reqEligible = 0;
  reqReads = 0;
  reqSinceRead = 0;
  /** Current sampling intervals after the learning reads (0: bodySampling.sampleEvery / requestSampleEvery). */
  respEvery = 0;
  reqEvery = 0;

  constructor(
    key: string,
    keyHash: number,
    ts: number,
    historySize: number,
    readonly host: string,
    readonly method: string,
    readonly template: string,
  ) {
    super(key, keyHash, ts, historySize, { dimensions: 1, tenMinutes: true, profile: true });
    this.ids = compileTemplate(template);
  }
}
