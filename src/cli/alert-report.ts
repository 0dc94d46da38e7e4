// The alerts of a replay as an analyst reads them: grouped by severity, highest first, each shown
// with who, where, why (the summary and the strongest factors against their baselines) and what to
// do. A few per severity, one of every detector first (even past the few) so a flood of one kind
// never hides another; the rest are counted (`tapwatch alerts` lists them all).
import type { AlertStore, StoredAlert } from '../alerting';
import { SEVERITIES, type ExplanationFactor, type Severity } from '../alerting/types';
import { escapeControl } from '../core/escape-control';

/** Alerts shown in full per severity, or one per detector when more detectors share it; the others are counted. */
export const ALERTS_SHOWN_PER_SEVERITY = 5;
/** Factors shown per alert, strongest contribution first. */
export const FACTORS_SHOWN = 3;
/** How many of a severity's strongest alerts are read to pick the ones shown. */
const CANDIDATES_READ = 200;

/** `failedLoginsForAccount` and `error_403_404_share` both read as words. */
export function factorLabel(name: string): string {
  return name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function valueText(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3)));
}

function factorText(f: ExplanationFactor): string {
  const baseline = f.baseline !== undefined ? ` (baseline ${valueText(f.baseline)})` : '';
  const share = f.contribution !== undefined ? `, ${Math.round(f.contribution * 100)}% of the score` : '';
  return `${factorLabel(f.name)}: ${valueText(f.value)}${baseline}${share}`;
}

function strongestFactors(factors: readonly ExplanationFactor[]): ExplanationFactor[] {
  return [...factors].sort((a, b) => (b.contribution ?? -1) - (a.contribution ?? -1)).slice(0, FACTORS_SHOWN);
}

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
}

function alertBlock(a: StoredAlert): string[] {
  const who = a.identity ?? a.client;
  const head = [a.type, a.endpoint ? `${a.endpoint.method} ${a.endpoint.host}${a.endpoint.template}` : null, who ? `by ${who}` : null]
    .filter((x): x is string => x !== null)
    .join('  ');
  const times = a.count > 1 ? `${a.count} times, ${iso(a.firstSeen)} to ${iso(a.lastSeen)}` : iso(a.firstSeen);
  const lines = [`  ${head}`, `    ${times}; score ${a.score.toFixed(2)}; id ${a.id}`, `    why: ${a.explanation.summary}`];
  for (const f of strongestFactors(a.explanation.factors)) lines.push(`      - ${factorText(f)}`);
  lines.push(`    do: ${a.recommendation.reason}`);
  return lines;
}

/** One per detector first (strongest first), then the strongest of the rest. */
function pick(candidates: readonly StoredAlert[], n: number): StoredAlert[] {
  const chosen: StoredAlert[] = [];
  const types = new Set<string>();
  for (const a of candidates) {
    if (!types.has(a.type)) {
      types.add(a.type);
      chosen.push(a);
    }
  }
  for (const a of candidates) {
    if (chosen.length >= n) break;
    if (!chosen.includes(a)) chosen.push(a);
  }
  return chosen.sort((a, b) => b.score - a.score || a.firstSeen - b.firstSeen);
}

/** The report; `listHint` says how to list every alert (depends on whether a --db file exists). */
export function alertReportText(store: AlertStore, listHint: string): string {
  const counts = store.countByTypeAndSeverity();
  if (counts.length === 0) return 'alerts: none\n';
  const total = counts.reduce((n, c) => n + c.count, 0);
  const bySeverity = new Map<Severity, { type: string; count: number }[]>();
  for (const c of counts) bySeverity.set(c.severity, [...(bySeverity.get(c.severity) ?? []), { type: c.type, count: c.count }]);
  const order = [...SEVERITIES].reverse().filter((s) => bySeverity.has(s));
  const tally = order.map((s) => `${(bySeverity.get(s) ?? []).reduce((n, c) => n + c.count, 0)} ${s}`).join(', ');
  const lines = [`alerts: ${total} (${tally})`];
  for (const severity of order) {
    const types = bySeverity.get(severity) ?? [];
    const inSeverity = types.reduce((n, c) => n + c.count, 0);
    lines.push('', `${severity.toUpperCase()} (${inSeverity})`);
    const shown = pick(store.listAlerts({ severity, order: 'score', limit: CANDIDATES_READ }), ALERTS_SHOWN_PER_SEVERITY);
    for (const a of shown) lines.push(...alertBlock(a));
    const rest = new Map(types.map((c) => [c.type, c.count]));
    for (const a of shown) rest.set(a.type, (rest.get(a.type) ?? 0) - 1);
    const restText = [...rest].filter(([, n]) => n > 0).map(([type, n]) => `${n} ${type}`);
    if (restText.length > 0) lines.push(`  ... and ${restText.join(', ')} (${listHint})`);
  }
  // who, where and why carry text from traffic: shown escaped, never interpreted by the terminal
  return lines.map(escapeControl).join('\n') + '\n';
}
