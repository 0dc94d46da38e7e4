// RFC 5424 syslog messages for alerts:
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID param="value" ...] MSG
// Header fields are PRINTUSASCII (33–126) with the RFC's length caps, or `-` when empty. The
// structured-data element repeats the alert's key fields so a collector can filter on them
// without parsing MSG; MSG is the whole alert as JSON (with the UTF-8 BOM, §6.4) or as CEF. Values
// from traffic are hostile: no raw control character reaches the message (escape-control.ts), so a
// CR/LF/NUL or ESC cannot start a fake syslog line or frame, nor drive the terminal of whoever reads it.
import type { Alert } from '../../alerting/types';
import { escapeControl, safeJsonStringify } from '../../core/escape-control';
import { formatCef } from './cef';
import { DEFAULT_APP_NAME, DEFAULT_SD_ID, SD_ID_PATTERN, syslogPri } from './syslog-fields';

export const HOSTNAME_MAX = 255;
export const APP_NAME_MAX = 48;
export const PROCID_MAX = 128;
export const MSGID_MAX = 32;
export const SD_NAME_MAX = 32;

const UTF8_BOM = '\uFEFF';
const NILVALUE = '-';

export type MessageBody = 'json' | 'cef';

export interface Rfc5424Options {
  /** Facility code 0–23 (local0 = 16). */
  readonly facility: number;
  readonly appName?: string;
  /** HOSTNAME field; defaults to the alert's sensor name. */
  readonly hostname?: string;
  /** PROCID field; defaults to this process's pid. */
  readonly procId?: string;
  readonly sdId?: string;
  readonly body: MessageBody;
  /** CEF Device Version; defaults to the package version. */
  readonly productVersion?: string;
}

/** Keep PRINTUSASCII only (others become `_`), cap the length, NILVALUE when nothing is left. */
export function headerField(value: string | undefined, max: number): string {
  if (value === undefined || value === '') return NILVALUE;
  const clean = value.replace(/[^!-~]/g, '_').slice(0, max);
  return clean === '' ? NILVALUE : clean;
}

/** PARAM-VALUE escaping (§6.3.3): controls made visible first, then `"`, `\` and `]` get a backslash. */
export function escapeParamValue(value: string): string {
  return escapeControl(value).replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** RFC 3339 in UTC with microseconds, from seconds since the epoch; NILVALUE if not a time. */
export function rfc3339Micros(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return NILVALUE;
  const micros = Math.round(seconds * 1e6);
  const date = new Date(Math.floor(micros / 1000));
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999) return NILVALUE;
  const fraction = String(micros % 1e6).padStart(6, '0');
  return `${date.toISOString().slice(0, 19)}.${fraction}Z`;
}

export function structuredData(alert: Alert, sdId: string): string {
  const params: Array<[string, string | number | undefined]> = [
    ['id', alert.id],
    ['type', alert.type],
    ['severity', alert.severity],
    ['score', Number.isFinite(alert.score) ? alert.score : undefined],
    ['identity', alert.identity],
    ['client', alert.client],
    ['host', alert.endpoint?.host],
    ['method', alert.endpoint?.method],
    ['template', alert.endpoint?.template],
    ['count', alert.count],
    ['action', alert.recommendation.action],
  ];
  const body = params
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeParamValue(String(value))}"`)
    .join('');
  return `[${sdId}${body}]`;
}

export function formatRfc5424(alert: Alert, options: Rfc5424Options): string {
  const sdId = options.sdId ?? DEFAULT_SD_ID;
  if (!SD_ID_PATTERN.test(sdId)) {
    throw new Error(`invalid SD-ID ${JSON.stringify(sdId)}: 1–32 printable ASCII characters, no '=', ' ', ']' or '"'`);
  }
  const header = [
    `<${syslogPri(options.facility, alert.severity)}>1`,
    rfc3339Micros(alert.lastSeen),
    headerField(options.hostname ?? alert.sensor, HOSTNAME_MAX),
    headerField(options.appName ?? DEFAULT_APP_NAME, APP_NAME_MAX),
    headerField(options.procId ?? String(process.pid), PROCID_MAX),
    headerField(alert.type, MSGID_MAX),
  ].join(' ');
  const msg = options.body === 'cef' ? formatCef(alert, { productVersion: options.productVersion }) : UTF8_BOM + safeJsonStringify(alert);
  return `${header} ${structuredData(alert, sdId)} ${msg}`;
}
