// Slack-compatible message for one alert (incoming webhooks, Block Kit): `text` is the notification
// fallback, `blocks` the rendered message. Alert content is escaped (`&`, `<`, `>` are Slack markup,
// `<!channel>` would ping everyone) and cut to Slack's per-element limits so a long explanation
// cannot turn the message into a 400.
import type { Alert, Recommendation } from '../../alerting/types';
import { escapeControl } from '../../core/escape-control';

/** Slack limits: header text 150, section text 3000, each section field 2000, 10 fields. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const FALLBACK_MAX = 3000;

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

export function slackMessage(alert: Alert): SlackMessage {
  const severity = alert.severity.toUpperCase();
  const endpoint = alert.endpoint ? `${alert.endpoint.method} ${alert.endpoint.host}${alert.endpoint.template}` : '—';
  const client = alert.client ?? '—';
  const recommendation = describeRecommendation(alert.recommendation);
  const fields = [
    ['Severity', `${alert.severity} (score ${alert.score.toFixed(2)})`],
    ['Type', alert.type],
    ['Endpoint', endpoint],
    ['Client', client],
    ...(alert.identity !== undefined ? [['Identity', alert.identity]] : []),
    ['Seen', `${alert.count}× ${isoSeconds(alert.firstSeen)} – ${isoSeconds(alert.lastSeen)}`],
  ];
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${severity}: ${alert.type}`, HEADER_MAX) } },
    { type: 'section', text: { type: 'mrkdwn', text: mrkdwn('', alert.explanation.summary, SECTION_MAX) } },
    {
      type: 'section',
      fields: fields.map(([name, value]) => ({ type: 'mrkdwn', text: mrkdwn(`*${name}*\n`, value ?? '', FIELD_MAX) })),
    },
    { type: 'section', text: { type: 'mrkdwn', text: mrkdwn('*Recommendation:* ', recommendation, SECTION_MAX) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn('', `alert ${alert.id} · sensor ${alert.sensor}`, SECTION_MAX) }] },
  ];
  const text = mrkdwn('', `[${severity}] ${alert.type} on ${endpoint} from ${client}: ${alert.explanation.summary}`, FALLBACK_MAX);
  return { text, blocks };
}

function describeRecommendation(r: Recommendation): string {
  const what =
    r.action === 'throttle' && r.limitPerMinute !== undefined
      ? `throttle to ${r.limitPerMinute} requests/min`
      : r.action === 'block' && r.durationSec !== undefined
        ? `block for ${r.durationSec} s`
        : r.action;
  return `${what} — ${r.reason}`;
}

function isoSeconds(epochSec: number): string {
  const d = new Date(epochSec * 1000);
  return Number.isNaN(d.getTime()) ? String(epochSec) : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function escape(s: string): string {
  // controls from traffic shown as visible escapes, like every other output
  return escapeControl(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `prefix` + escaped `raw`, at most `max` characters; the raw text is cut, never an entity. */
function mrkdwn(prefix: string, raw: string, max: number): string {
  let keep = raw.length;
  let out = escape(raw);
  while (prefix.length + out.length > max && keep > 0) {
    keep = Math.max(0, keep - (prefix.length + out.length - max) - 1);
    out = `${escape(raw.slice(0, keep))}…`;
  }
  return prefix + out;
}

function cut(raw: string, max: number): string {
  const s = escapeControl(raw);
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
