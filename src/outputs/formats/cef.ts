// ArcSight Common Event Format (CEF:0) for an Alert:
//   CEF:0|Tapwatch|Tapwatch|VERSION|SignatureID|Name|Severity|Extension
// Header fields escape `\` and `|`; extension values escape `\`, `=` and write CR/LF as `\r`/`\n`
// (a `|` needs no escape there). Extension keys are from the standard dictionary so a SIEM maps
// them without a custom parser; custom values go in cs1/cs2/cfp1 with their labels. Lengths follow
// the dictionary's limits where a collector would otherwise cut the value itself. Other control
// characters (ESC, NUL, DEL, C1) from traffic are written as visible escapes (escape-control.ts).
import type { Alert, Explanation, Severity } from '../../alerting/types';
import { escapeControl } from '../../core/escape-control';
import { productVersion } from './product-version';

export const CEF_VENDOR = 'Tapwatch';
export const CEF_PRODUCT = 'Tapwatch';

/** CEF severity 0–10 (0–3 low, 4–6 medium, 7–8 high, 9–10 very high). */
export const CEF_SEVERITY: Readonly<Record<Severity, number>> = {
  info: 1,
  low: 3,
  medium: 5,
  high: 8,
  critical: 10,
};

export interface CefOptions {
  /** Device Version header field; defaults to Tapwatch's package version. */
  readonly productVersion?: string;
}

// Dictionary limits (characters) for the fields whose values can grow with the traffic.
const NAME_MAX = 512;
const ACT_MAX = 63;
const LONG_STRING_MAX = 1023;
const CUSTOM_STRING_MAX = 4000;

export function escapeCefHeader(value: string): string {
  // The header is one line: a line break would end the record for a line-based collector.
  return escapeControl(value.replace(/\r\n|[\r\n]/g, ' ')).replace(/[\\|]/g, (c) => `\\${c}`);
}

export function escapeCefExtension(value: string): string {
  // CR and LF keep CEF's own escapes; the other controls are made visible before `\` is escaped
  return value.replace(/[^\r\n]+/g, escapeControl).replace(/[\\=\r\n]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
}

/** The explanation as one line: the summary, then each factor with its baseline. */
export function explanationText(explanation: Explanation): string {
  const factors = explanation.factors.map((f) => (f.baseline === undefined ? `${f.name} ${f.value}` : `${f.name} ${f.value} (baseline ${f.baseline})`));
  return factors.length === 0 ? explanation.summary : `${explanation.summary}; ${factors.join('; ')}`;
}

/** `METHOD host/template`, the request line an analyst recognises. */
export function requestText(endpoint: NonNullable<Alert['endpoint']>): string {
  return `${endpoint.method} ${endpoint.host}${endpoint.template}`;
}

function cap(value: string, max: number): string {
  if (value.length <= max) return value;
  // Do not leave half of a surrogate pair at the end.
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

function ms(seconds: number): string | undefined {
  return Number.isFinite(seconds) ? String(Math.round(seconds * 1000)) : undefined;
}

export function formatCef(alert: Alert, options: CefOptions = {}): string {
  const header = [
    'CEF:0',
    escapeCefHeader(CEF_VENDOR),
    escapeCefHeader(CEF_PRODUCT),
    escapeCefHeader(options.productVersion ?? productVersion()),
    escapeCefHeader(alert.type),
    escapeCefHeader(cap(alert.explanation.summary || alert.type, NAME_MAX)),
    String(CEF_SEVERITY[alert.severity]),
  ].join('|');

  const ext: Array<[string, string | undefined]> = [
    ['rt', ms(alert.lastSeen)],
    ['start', ms(alert.firstSeen)],
    ['end', ms(alert.lastSeen)],
    ['src', alert.client],
    ['suser', alert.identity === undefined ? undefined : cap(alert.identity, LONG_STRING_MAX)],
    ['request', alert.endpoint && cap(requestText(alert.endpoint), LONG_STRING_MAX)],
    ['requestMethod', alert.endpoint?.method],
    ['dhost', alert.endpoint && cap(alert.endpoint.host, LONG_STRING_MAX)],
    ['act', cap(alert.recommendation.action, ACT_MAX)],
    ['cnt', String(alert.count)],
    ['cs1Label', 'alertId'],
    ['cs1', alert.id],
    ['cs2Label', 'explanation'],
    ['cs2', cap(explanationText(alert.explanation), CUSTOM_STRING_MAX)],
    ['cfp1Label', 'score'],
    ['cfp1', Number.isFinite(alert.score) ? String(alert.score) : undefined],
  ];
  const extension = ext
    .filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1] !== '')
    .map(([k, v]) => `${k}=${escapeCefExtension(v)}`)
    .join(' ');
  return `${header}|${extension}`;
}
