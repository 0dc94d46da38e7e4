// Test-side readers of what the syslog sink writes, written from the RFCs' grammar rather than from
// the formatter: an RFC 5424 parser (§6 ABNF), a CEF parser, and a builder of sample alerts.
import type { Alert } from '../../src/alerting/types';

export interface SdElement {
  id: string;
  params: Array<[string, string]>;
}

export interface SyslogMessage {
  pri: number;
  facility: number;
  severity: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: SdElement[];
  /** MSG without the BOM. */
  msg: string;
  bom: boolean;
}

// HEADER = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID
const PRINT = '[\\x21-\\x7e]';
const HEADER = new RegExp(
  '^<(0|[1-9]\\d{0,2})>([1-9]\\d{0,2}) ' +
    '(-|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?(?:Z|[+-]\\d{2}:\\d{2})) ' +
    `(${PRINT}{1,255}) (${PRINT}{1,48}) (${PRINT}{1,128}) (${PRINT}{1,32}) `,
);
// SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']' and '"'.
const SD_NAME = /^(?:(?![="\]])[\x21-\x7e]){1,32}/;

/** Parses one RFC 5424 message (already decoded from UTF-8); throws with the reason if it is not one. */
export function parseRfc5424(text: string): SyslogMessage {
  const h = HEADER.exec(text);
  if (!h) throw new Error(`not an RFC 5424 header: ${JSON.stringify(text.slice(0, 120))}`);
  const pri = Number(h[1]);
  if (pri > 191) throw new Error(`PRI ${pri} out of range`);
  let i = h[0].length;
  const sd: SdElement[] = [];
  if (text[i] === '-') {
    i++;
  } else {
    while (text[i] === '[') {
      i++;
      const id = SD_NAME.exec(text.slice(i));
      if (!id) throw new Error(`bad SD-ID at ${i}`);
      i += id[0].length;
      const element: SdElement = { id: id[0], params: [] };
      while (text[i] === ' ') {
        i++;
        const name = SD_NAME.exec(text.slice(i));
        if (!name) throw new Error(`bad PARAM-NAME at ${i}`);
        i += name[0].length;
        if (text.slice(i, i + 2) !== '="') throw new Error(`expected =" at ${i}`);
        i += 2;
        let value = '';
        for (;;) {
          const c = text[i];
          if (c === undefined) throw new Error('unterminated PARAM-VALUE');
          if (c === '\\') {
            const next = text[i + 1];
            // §6.3.3: only ", \ and ] are escapes; any other backslash stays as it is.
            if (next === '"' || next === '\\' || next === ']') {
              value += next;
              i += 2;
            } else {
              value += c;
              i++;
            }
            continue;
          }
          if (c === ']') throw new Error(`unescaped ] inside PARAM-VALUE at ${i}`);
          if (c === '"') break;
          value += c;
          i++;
        }
        i++;
        element.params.push([name[0], value]);
      }
      if (text[i] !== ']') throw new Error(`expected ] at ${i}, found ${JSON.stringify(text[i])}`);
      i++;
      sd.push(element);
    }
    if (sd.length === 0) throw new Error(`expected STRUCTURED-DATA at ${i}`);
  }
  let msg = '';
  if (i < text.length) {
    if (text[i] !== ' ') throw new Error(`expected SP before MSG at ${i}`);
    msg = text.slice(i + 1);
  }
  const bom = msg.startsWith('\uFEFF');
  return {
    pri,
    facility: pri >> 3,
    severity: pri & 7,
    version: Number(h[2]),
    timestamp: h[3]!,
    hostname: h[4]!,
    appName: h[5]!,
    procId: h[6]!,
    msgId: h[7]!,
    sd,
    msg: bom ? msg.slice(1) : msg,
    bom,
  };
}

/** Decodes bytes as UTF-8, throwing on anything invalid (a character split by truncation, say). */
export function strictUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
}

export function sdParams(message: SyslogMessage): Map<string, string> {
  return new Map(message.sd[0]?.params ?? []);
}

export interface CefRecord {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  extension: Map<string, string>;
}

function splitHeader(text: string): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let current = '';
  let i = 0;
  while (fields.length < 7) {
    const c = text[i];
    if (c === undefined) throw new Error(`CEF header has ${fields.length} fields, expected 7`);
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '\\' && next !== '|') throw new Error(`bad header escape \\${next} at ${i}`);
      current += next;
      i += 2;
    } else if (c === '|') {
      fields.push(current);
      current = '';
      i++;
    } else {
      if (c === '\n' || c === '\r') throw new Error('line break in CEF header');
      current += c;
      i++;
    }
  }
  return { fields, rest: text.slice(i) };
}

function unescapeExtension(value: string): string {
  return value.replace(/\\(.)/gs, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === 'r') return '\r';
    if (c === '\\' || c === '=') return c;
    throw new Error(`bad extension escape \\${c}`);
  });
}

/** Parses `CEF:0|...|ext`: keys start after a space (or at the start) and end at an unescaped `=`. */
export function parseCef(text: string): CefRecord {
  if (!text.startsWith('CEF:')) throw new Error(`not CEF: ${JSON.stringify(text.slice(0, 40))}`);
  const { fields, rest } = splitHeader(text);
  const extension = new Map<string, string>();
  // Positions of unescaped '=' (a backslash escapes the next character).
  const keys: Array<{ key: string; start: number; valueStart: number }> = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '\\') {
      i++;
      continue;
    }
    if (rest[i] === '=') {
      const m = /(?:^| )([A-Za-z0-9_]+)$/.exec(rest.slice(0, i));
      if (!m) throw new Error(`'=' without a key at ${i}`);
      keys.push({ key: m[1]!, start: i - m[1]!.length, valueStart: i + 1 });
    }
  }
  keys.forEach((k, n) => {
    const next = keys[n + 1];
    const end = next ? next.start - 1 : rest.length;
    if (extension.has(k.key)) throw new Error(`duplicate key ${k.key}`);
    extension.set(k.key, unescapeExtension(rest.slice(k.valueStart, end)));
  });
  return {
    version: fields[0]!.slice(4),
    vendor: fields[1]!,
    product: fields[2]!,
    deviceVersion: fields[3]!,
    signatureId: fields[4]!,
    name: fields[5]!,
    severity: fields[6]!,
    extension,
  };
}

let serial = 0;

/** A complete alert; every field can be overridden. Ids are unique within the test process. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  serial++;
  return {
    id: `01HZTEST${String(serial).padStart(8, '0')}`,
    type: 'credential-stuffing',
    severity: 'high',
    score: 0.93,
    identity: 'ip:203.0.113.7',
    client: '203.0.113.7',
    endpoint: { host: 'api.example.com', method: 'POST', template: '/v1/login' },
    firstSeen: 1714566836.25,
    lastSeen: 1714566896.000789,
    count: 12,
    explanation: {
      summary: '412 failed logins in 60 s from one client',
      factors: [
        { name: 'failed_logins_per_min', value: 412, baseline: 3, contribution: 0.8 },
        { name: 'distinct_usernames', value: 380 },
      ],
    },
    recommendation: { action: 'throttle', limitPerMinute: 10, reason: 'above the learned login rate' },
    evidence: [{ ts: 1714566890.5, client: '203.0.113.7', server: '198.51.100.2', method: 'POST', target: '/v1/login', status: 401 }],
    sensor: 'sensor-1',
    ...overrides,
  };
}

/** Waits until `done()` holds, polling; fails with `what` after `ms`. */
export async function waitFor(what: string, done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
