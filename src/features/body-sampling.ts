// Which bodies are read. Reading costs a decompression and a JSON parse, so most bodies are not:
// - a response is eligible when it is a 2xx body no longer than `bodySampling.maxBytes` (whether it
//   is JSON is checked only on the ones picked: reading the content type of every call costs);
//   each endpoint's first `learnReads` eligible responses are read (they teach its bytes per record),
//   then one in `sampleEvery`; list endpoints (most reads held several records) are also read for an
//   identity while it has budget (`listReadsPerIdentityPerMinute`, a token bucket on packet time),
//   because list responses are where an identity is shown the ids it may later ask for;
// - a request is eligible when it is a POST/PUT/PATCH with a JSON or form body within maxBytes; the
//   first `learnReads` per endpoint are read, then one in `requestSampleEvery`;
// - as in the inventory, a sampled read that teaches nothing new (a request without a new field, a
//   response whose record count the estimate got right) doubles that interval, up to
//   `maxSampleEvery`; something new brings it back.
// Every decision is a function of the transactions, so replays read the same bodies.
import type { HttpTransaction } from '../http/types';
import type { BodySamplingConfig } from './config';
import type { EndpointBaseline } from './endpoint-baseline';
import type { IdentityBaseline } from './identity-baseline';

/** `application/json`, `application/problem+json`, `text/json` ... */
export function isJson(contentType: string | null): boolean {
  return contentType !== null && (contentType.startsWith('application/json') || contentType.includes('json'));
}

export class BodySampler {
  constructor(private readonly config: Readonly<BodySamplingConfig>) {}

  /** The response is a 2xx body that could be read (or, when the endpoint answers JSON, estimated). */
  responseEligible(tx: HttpTransaction): boolean {
    const status = tx.status;
    return status !== null && status >= 200 && status < 300 && tx.respBodyLen > 0 && tx.respBodyLen <= this.config.maxBytes && tx.method !== 'HEAD';
  }

  /** Decides (and accounts) whether to read an eligible response body. */
  readResponse(ep: EndpointBaseline, id: IdentityBaseline, ts: number): boolean {
    ep.respEligible++;
    ep.respSinceRead++;
    const learning = ep.respReads < this.config.learnReads;
    const list = ep.respReads > 0 && ep.respListReads * 2 >= ep.respReads;
    const read = learning || (list && this.takeToken(id, ts)) || ep.respSinceRead >= (ep.respEvery || this.config.sampleEvery);
    if (read) {
      ep.respReads++;
      ep.respSinceRead = 0;
    }
    return read;
  }

  /** Decides (and accounts) whether to read the request body for its field names. */
  readRequest(tx: HttpTransaction, ep: EndpointBaseline): boolean {
    const m = tx.method;
    if (m !== 'POST' && m !== 'PUT' && m !== 'PATCH') return false;
    if (tx.reqBodyLen === 0 || tx.reqBodyLen > this.config.maxBytes) return false;
    const ct = tx.reqContentType;
    if (ct === null || !(isJson(ct) || ct.includes('x-www-form-urlencoded'))) return false;
    ep.reqEligible++;
    ep.reqSinceRead++;
    const read = ep.reqReads < this.config.learnReads || ep.reqSinceRead >= (ep.reqEvery || this.config.requestSampleEvery);
    if (read) {
      ep.reqReads++;
      ep.reqSinceRead = 0;
    }
    return read;
  }

  /** After a response read past the learning reads: was it news (records off the estimate)? */
  afterResponseRead(ep: EndpointBaseline, novel: boolean): void {
    if (ep.respReads <= this.config.learnReads) return;
    ep.respEvery = novel ? this.config.sampleEvery : Math.min(this.config.maxSampleEvery, 2 * (ep.respEvery || this.config.sampleEvery));
  }

  /** After a request read past the learning reads: did it carry a field the endpoint never received? */
  afterRequestRead(ep: EndpointBaseline, novel: boolean): void {
    if (ep.reqReads <= this.config.learnReads) return;
    ep.reqEvery = novel ? this.config.requestSampleEvery : Math.min(this.config.maxSampleEvery, 2 * (ep.reqEvery || this.config.requestSampleEvery));
  }

  private takeToken(id: IdentityBaseline, ts: number): boolean {
    const rate = this.config.listReadsPerIdentityPerMinute;
    if (rate <= 0) return false;
    const capacity = Math.max(1, rate);
    id.readTokens = Math.min(capacity, id.readTokens + (Math.max(0, ts - id.readTokensTs) * rate) / 60);
    id.readTokensTs = Math.max(id.readTokensTs, ts);
    if (id.readTokens < 1) return false;
    id.readTokens -= 1;
    return true;
  }
}
