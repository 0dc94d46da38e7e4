// Step-by-step driver for unit tests: explicit order of data, gaps and ends on either direction.
import { Counters } from '../../../src/core/counters';
import { HttpAnalyzer } from '../../../src/http/analyzer';
import type { CredentialOptions } from '../../../src/http/credentials';
import type { HttpTransaction } from '../../../src/http/types';
import type { HttpConfig } from '../../../src/config/schema';
import type { Direction } from '../../../src/reassembly/types';
import { makeConfig, makeFlow, type FlowSpec } from '../../http-streams/harness';

export type Step =
  | { dir: Direction; data: string | Uint8Array; ts?: number }
  | { dir: Direction; gap: number; ts?: number }
  | { end: Direction; ts?: number }
  | { close: true; ts?: number };

export interface Driven {
  txs: HttpTransaction[];
  counters: Counters;
  /** Return value of each onData call, in order. */
  accepted: boolean[];
}

export function drive(steps: Step[], config: Partial<HttpConfig> = {}, flowSpec: FlowSpec = {}, credentials: CredentialOptions = {}): Driven {
  const counters = new Counters();
  const txs: HttpTransaction[] = [];
  const an = new HttpAnalyzer(makeConfig(config), counters, (tx) => txs.push(tx), credentials);
  const flow = makeFlow(flowSpec);
  const offsets = [0, 0];
  const accepted: boolean[] = [];
  let ts = 100;
  for (const s of steps) {
    ts = s.ts ?? ts + 1;
    if ('data' in s) {
      const b = typeof s.data === 'string' ? Buffer.from(s.data, 'latin1') : s.data;
      accepted.push(an.onData(flow, s.dir, b, 0, b.length, offsets[s.dir] ?? 0, ts));
      offsets[s.dir] = (offsets[s.dir] ?? 0) + b.length;
    } else if ('gap' in s) {
      an.onGap(flow, s.dir, offsets[s.dir] ?? 0, s.gap, ts);
      offsets[s.dir] = (offsets[s.dir] ?? 0) + s.gap;
    } else if ('end' in s) {
      an.onEnd(flow, s.end, 'fin', ts);
    } else {
      an.onClose(flow, 'fin', ts);
    }
  }
  return { txs, counters, accepted };
}

/** Client sends `req`, server answers `resp`, both end, flow closes. */
export function exchange(req: string | Uint8Array, resp: string | Uint8Array, config: Partial<HttpConfig> = {}): Driven {
  return drive([{ dir: 0, data: req, ts: 10 }, { dir: 1, data: resp, ts: 20 }, { end: 0, ts: 30 }, { end: 1, ts: 30 }, { close: true, ts: 30 }], config);
}

/** Every split of `req` at each byte gives the same transactions as the whole (JSON fingerprint). */
export function splitsAgree(req: string, resp: string, config: Partial<HttpConfig> = {}): string[] {
  const fp = (d: Driven): string =>
    JSON.stringify({
      txs: d.txs.map((t) => ({ ...t, reqBody: t.reqBody && Buffer.from(t.reqBody).toString('hex'), respBody: t.respBody && Buffer.from(t.respBody).toString('hex') })),
      c: d.counters.snapshot(),
    });
  const whole = fp(exchange(req, resp, config));
  const bad: string[] = [];
  for (let k = 1; k < req.length; k++) {
    const d = drive(
      [
        { dir: 0, data: req.slice(0, k), ts: 10 },
        { dir: 0, data: req.slice(k), ts: 10 },
        { dir: 1, data: resp, ts: 20 },
        { end: 0, ts: 30 },
        { end: 1, ts: 30 },
        { close: true, ts: 30 },
      ],
      config,
    );
    if (fp(d) !== whole) bad.push(`req split at ${k}`);
  }
  return bad;
}
