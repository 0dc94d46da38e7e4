// What the bodies picked by body-sampling.ts teach: a JSON response's record count (and the
// endpoint's bytes per record, from which unread bodies are estimated) and the object ids it shows
// the identity (into its seen-ids filter); a request's field names (new ones, after the endpoint's
// learning reads, are counted for the mass-assignment check).
import type { Counters } from '../core/counters';
import type { HttpTransaction } from '../http/types';
import { readRequestFields, readResponseBody } from './body-reading';
import { isJson, type BodySampler } from './body-sampling';
import type { FeaturesConfig } from './config';
import type { EndpointBaseline } from './endpoint-baseline';
import type { IdentityBaseline } from './identity-baseline';
import { quantileSorted } from './robust';
import { SeenFilter } from '../core/seen-filter';

/** Fields of one request body remembered at most (the endpoint bound applies on top). */
const MAX_FIELDS_PER_BODY = 64;

export class BodyLearner {
  /** The identity whose response body is being read (target of `noteShownId`). */
  private reading: IdentityBaseline | null = null;
  private readonly noteShownId = (hash: number): void => this.addShownId(hash);

  constructor(
    private readonly config: Readonly<FeaturesConfig>,
    private readonly counters: Counters,
    private readonly sampler: BodySampler,
  ) {}

  /** Reads a response picked for reading; returns its records (0 when it is not JSON). */
  readResponse(tx: HttpTransaction, ep: EndpointBaseline, id: IdentityBaseline): number {
    if (!isJson(tx.respContentType)) {
      ep.respOtherReads++;
      return 0;
    }
    const body = tx.respBody;
    this.counters.inc('features.body.response_reads');
    if (body === null) return estimatedRecords(ep, tx.respBodyLen);
    this.reading = id;
    const reading = readResponseBody(body, this.config.bodySampling.maxIdsPerBody, this.noteShownId);
    this.reading = null;
    if (reading === null) {
      this.counters.inc('features.body.unreadable');
      return estimatedRecords(ep, tx.respBodyLen);
    }
    if (reading.truncated) this.counters.inc('features.body.ids_truncated');
    if (reading.records > 1) ep.respListReads++;
    const expected = estimatedRecords(ep, tx.respBodyLen);
    this.sampler.afterResponseRead(ep, Math.abs(reading.records - expected) > Math.max(1, expected / 4));
    if (reading.records > 0) {
      ep.bytesPerRecord.push(tx.respBodyLen / reading.records);
      ep.bytesPerRecordMedian = NaN;
    }
    return reading.records;
  }

  private addShownId(hash: number): void {
    const id = this.reading;
    if (id === null) return;
    if (id.seen === null) id.seen = new SeenFilter(this.config.idsSeenBits);
    if (id.seen.add(hash)) this.counters.inc('features.ids_seen.rotated');
  }

  /** Field names of a read request body; returns how many the endpoint had never received (after its learning reads). */
  readRequest(tx: HttpTransaction, ep: EndpointBaseline): number {
    const body = tx.reqBody;
    this.counters.inc('features.body.request_reads');
    if (body === null) return 0;
    const fields = readRequestFields(body, tx.reqContentType ?? '', MAX_FIELDS_PER_BODY);
    if (fields === null) {
      this.counters.inc('features.body.unreadable');
      return 0;
    }
    const learned = ep.reqReads > this.config.bodySampling.learnReads;
    let fresh = 0;
    for (const name of fields) {
      const n = ep.fields.get(name);
      if (n !== undefined) {
        ep.fields.set(name, n + 1);
        continue;
      }
      if (learned) fresh++;
      if (ep.fields.size < this.config.maxBodyFieldsPerEndpoint) ep.fields.set(name, 1);
      else this.counters.inc('features.body_fields.overflow');
    }
    this.sampler.afterRequestRead(ep, fresh > 0);
    return fresh;
  }
}

const medianScratch = new Float64Array(64);

/** Records in a body not read: estimated when most of the endpoint's bodies read were JSON, else none. */
export function unreadRecords(ep: EndpointBaseline, bodyLen: number): number {
  return ep.respReads > 2 * ep.respOtherReads ? estimatedRecords(ep, bodyLen) : 0;
}

/** Records in an unread JSON body: its length over the endpoint's median bytes per record (1 before any was read). */
export function estimatedRecords(ep: EndpointBaseline, bodyLen: number): number {
  if (Number.isNaN(ep.bytesPerRecordMedian)) {
    const n = ep.bytesPerRecord.column(0, medianScratch);
    ep.bytesPerRecordMedian = n === 0 ? 0 : quantileSorted(medianScratch.subarray(0, n).sort(), n, 0.5);
  }
  const per = ep.bytesPerRecordMedian;
  return per > 0 ? Math.max(1, Math.round(bodyLen / per)) : 1;
}
