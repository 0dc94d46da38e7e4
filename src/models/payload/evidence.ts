// The redacted evidence and the explanation of a payload finding. Evidence follows the detectors'
// shape (detectors/evidence.ts, copied not imported: models/ may not load detector code): the
// endpoint template, else the path with every segment that holds a digit or an odd character (where
// a payload or an id would be) as `*`. The explanation names the parameter whose removal lowers the
// score most (occlusion, computed only for flagged requests), never its value.
import type { EvidenceItem, ExplanationFactor } from '../../core/finding';
import type { TransactionContext } from '../../http/consumer';
import type { HttpTransaction } from '../../http/types';

const SHOWABLE_NAME = /^[\w.\-[\]$]{1,64}$/;
/** Parameters tried per flagged request. */
export const MAX_OCCLUDED = 16;

export function redactedTarget(path: string | null): string {
  if (path === null || path === '') return '-';
  return path.replace(/[^/]*[^A-Za-z/_.~-][^/]*/g, '*');
}

export function payloadEvidence(tx: HttpTransaction, ctx: TransactionContext): EvidenceItem {
  const item: { -readonly [K in keyof EvidenceItem]: EvidenceItem[K] } = {
    ts: tx.ts,
    client: ctx.clientIp ?? tx.clientIp,
    server: tx.host ?? tx.serverIp,
    method: tx.method ?? '-',
    target: ctx.endpoint?.template ?? redactedTarget(tx.path),
  };
  if (tx.status !== null) item.status = tx.status;
  return item;
}

export interface Occlusion {
  /** Parameter name as it may be shown. */
  readonly name: string;
  /** The text with that parameter's value removed. */
  readonly text: string;
}

/** The text once per `name=value` pair of its query and body (at most MAX_OCCLUDED), that value removed. */
export function occlusions(text: string): Occlusion[] {
  const out: Occlusion[] = [];
  const re = /(^|[?&\n])([^=&?\n]{1,64})=([^&\n]*)/g;
  for (let m = re.exec(text); m !== null && out.length < MAX_OCCLUDED; m = re.exec(text)) {
    if ((m[3] ?? '') === '') continue;
    const valueStart = m.index + (m[1] ?? '').length + (m[2] ?? '').length + 1;
    const name = m[2] ?? '';
    out.push({ name: SHOWABLE_NAME.test(name) ? name : '(a name that is not shown)', text: text.slice(0, valueStart) + text.slice(valueStart + (m[3] ?? '').length) });
  }
  return out;
}

/** The factors of a flagged request: the score against the threshold, and the parameter that drives it. */
export function payloadFactors(score: number, threshold: number, strongest: { name: string; drop: number } | null): ExplanationFactor[] {
  const factors: ExplanationFactor[] = [{ name: 'payload_model_score', value: round(score), baseline: round(threshold) }];
  if (strongest !== null && strongest.drop > 0) factors.push({ name: 'strongest_parameter', value: strongest.name, contribution: round(Math.min(1, strongest.drop / score)) });
  return factors;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
