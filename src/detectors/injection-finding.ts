// Turns the strongest injection match of a request into a Finding an analyst can act on: the class,
// the parameter and where it was, the rules that fired, the encodings removed, and how the parameter
// is normally used — never the payload itself. At most a short excerpt of the matched span, with
// long alphanumeric runs (tokens, passwords) and URL user info masked, and none at all when the
// parameter's name says it holds a secret. Paths and templates that carry the payload are masked too.
import type { EndpointRef, ExplanationFactor, Finding } from '../core/finding';
import type { TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import { evidenceOf } from '../core/evidence';
import { layerNames } from './injection-decode';
import { suspicious, type ClassMatch } from './injection-match';
import type { NormalUse } from './injection-normal';
import type { ParamHit } from './injection-params';
import { CLASS_NAMES } from './injection-rules';

export const DETECTOR = 'injection';

const EXCERPT_CHARS = 32;
const SECRET_NAME = /pass|pwd|secret|token|api[-_]?key|^key$|auth|session|cookie|credential|otp|^pin$|card|cvv|ssn/i;
const SHOWABLE_NAME = /^[\w.\-[\]{}$]{1,64}$/;
const PLACEHOLDER = /^\{[^}]*\}$/;
// eslint-disable-next-line no-control-regex -- control characters are what these mask
const NUL = /\x00/g;
// eslint-disable-next-line no-control-regex -- control characters are what these mask
const CONTROL = /[\x00-\x1f\x7f]/g;

/** The parameter's name as it may be shown (a name that is itself a payload is not). */
export function shownName(name: string): string {
  return SHOWABLE_NAME.test(name) ? name : '(a name that is not shown)';
}

/** The matched span, short, with anything that may be a secret masked. */
export function redactedExcerpt(hit: ParamHit, cm: ClassMatch): string {
  if (SECRET_NAME.test(hit.name)) return '(withheld: secret-like parameter)';
  const top = cm.hits.reduce((a, b) => (b.rule.weight > a.rule.weight ? b : a));
  // mask first, over the whole matched span, then cut: a cut must not split what a mask needs to see
  const masked = top.source
    .slice(top.at, top.at + top.len)
    .replace(/\/\/[^/@\s]+@/g, '//***@')
    .replace(/[a-z0-9]{10,}/gi, '***');
  return masked
    .slice(0, EXCERPT_CHARS)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(NUL, '\\0')
    .replace(CONTROL, '?');
}

/** A path or template with every segment that could carry a payload as `{…}`. */
export function maskedTarget(target: string): string {
  return target
    .split('/')
    .map((s) => (s === '' || PLACEHOLDER.test(s) || !suspicious(s) ? s : '{…}'))
    .join('/');
}

/**
 * The endpoint as the finding may carry it: only host, method and template (the inventory's object
 * holds more), the template masked where it was learned from a payload.
 */
export function safeEndpoint(ref: EndpointRef | null): EndpointRef | undefined {
  if (ref === null) return undefined;
  return { host: ref.host, method: ref.method, template: maskedTarget(ref.template) };
}

const LOCATION_NAMES: Readonly<Record<ParamHit['location'], string>> = {
  query: 'query parameter',
  path: 'path',
  json: 'JSON body field',
  form: 'form field',
  body: 'request body',
};

export interface Verdict {
  readonly hit: ParamHit;
  readonly cm: ClassMatch;
  /** Score before and after the learned-normal discount. */
  readonly raw: number;
  readonly score: number;
  /** How the strongest rule is used on this parameter. */
  readonly use: NormalUse;
  readonly discounted: boolean;
}

export interface FindingInput {
  readonly tx: HttpTransaction;
  readonly ctx: TransactionContext;
  readonly verdict: Verdict;
  /** Other classes that fired in the same request, as `class:score`. */
  readonly otherClasses: readonly string[];
  readonly threshold: number;
  readonly minShare: number;
  /** Payloads from this actor since its last finding, this one included. */
  readonly payloads: number;
  readonly blockScore: number;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function injectionFinding(input: FindingInput): Finding {
  const { tx, ctx, verdict } = input;
  const { hit, cm } = verdict;
  const cls = CLASS_NAMES[cm.cls];
  const rules = [...new Set(cm.hits.map((h) => h.rule.what))].slice(0, 3).join('; ');
  const layers = layerNames(verdict.hit.match.layers);
  const endpoint = safeEndpoint(ctx.endpoint);
  const target = endpoint ? `${endpoint.method} ${endpoint.template}` : `${tx.method ?? '-'} ${maskedTarget(tx.path ?? '-')}`;
  const where = hit.location === 'path' && hit.name === 'path' ? 'the path' : `${LOCATION_NAMES[hit.location]} ${shownName(hit.name)}`;
  const encoded = layers.length > 0 ? `, after removing ${layers.join(', ')} encoding` : '';
  const lowered = verdict.discounted ? ' (lowered: this parameter often carries such text)' : '';
  const summary = `${cls} pattern (${rules}) in ${where} of ${target}${encoded}${lowered}.`;
  const patternShare = 0.7;
  const normalShare = verdict.discounted ? 0.25 : 0.1;
  const layerShare = layers.length > 1 || (verdict.hit.match.layers & ~1) !== 0 ? 0.15 : 0.05;
  const repeatShare = input.payloads > 1 ? 0.1 : 0;
  const total = patternShare + normalShare + layerShare + repeatShare;
  const factors: ExplanationFactor[] = [
    { name: `${cm.cls}_pattern_score`, value: round(verdict.raw, 2), baseline: round(input.threshold, 2), contribution: round(patternShare / total, 2) },
    { name: 'param_share_matching_rule', value: round(verdict.use.share, 4), baseline: input.minShare, contribution: round(normalShare / total, 2) },
    { name: 'encoding_layers', value: layers.length > 0 ? layers.join('+') : 'none', baseline: 'none', contribution: round(layerShare / total, 2) },
  ];
  if (repeatShare > 0) factors.push({ name: 'payloads_since_last_finding', value: input.payloads, baseline: 1, contribution: round(repeatShare / total, 2) });
  if (input.otherClasses.length > 0) factors.push({ name: 'other_classes_in_request', value: input.otherClasses.join(' '), baseline: 'none' });
  const note = `${cm.cls} in ${hit.location} ${shownName(hit.name)}: ${redactedExcerpt(hit, cm)}`;
  const item = evidenceOf(tx, ctx, note);
  const evidence = [{ ...item, target: maskedTarget(item.target) }];
  const finding: Finding = {
    detector: DETECTOR,
    ts: tx.ts,
    score: round(verdict.score, 3),
    client: ctx.clientIp ?? tx.clientIp,
    explanation: { summary, factors },
    evidence,
    suggested: { action: verdict.score >= input.blockScore ? 'block' : 'observe' },
  };
  // an identity named by a login attempt is text from the request: here, possibly the payload itself
  const identity = ctx.identity !== null && ctx.identity !== ctx.loginUser ? ctx.identity : null;
  return { ...finding, ...(identity !== null ? { identity } : {}), ...(endpoint ? { endpoint } : {}) };
}
