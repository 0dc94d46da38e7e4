// Text from traffic reaches every output with its control characters made visible: the shared
// helper itself, then each output read back by a parser written from its spec (RFC 5424, CEF, JSON)
// and the terminal tables. The hostile value carries an ANSI escape and a fake syslog frame.
import t from 'tap';
import { escapeControl, hasControl, safeJsonStringify } from '../../../src/core/escape-control';
import { formatCef } from '../../../src/outputs/formats/cef';
import { formatRfc5424 } from '../../../src/outputs/formats/rfc5424';
import { slackMessage } from '../../../src/outputs/webhook/slack';
import { tableLines } from '../../../src/cli/table';
import { parseCef, parseRfc5424, sampleAlert, sdParams } from '../../helpers/syslog-parse';

const FAKE_FRAME = '\n<13>1 2026-01-01T00:00:00Z host tapwatch - - - fake alert cleared';
const HOSTILE = `eve\x1b[2J\r${FAKE_FRAME}\x00\x7f\x9b\u2028\u202e"]\\`;
// written out by hand: what HOSTILE must look like after escaping
const HOSTILE_ESCAPED = 'eve\\x1b[2J\\x0d\\x0a<13>1 2026-01-01T00:00:00Z host tapwatch - - - fake alert cleared\\x00\\x7f\\x9b\\u2028\\u202e"]\\';
// C0, DEL, C1, the JavaScript line terminators, bidi overrides and isolates
// eslint-disable-next-line no-control-regex -- control characters are what the test looks for
const RAW_CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

t.test('escapeControl: each kind of control as a visible escape, everything else kept', async (t) => {
  t.equal(escapeControl(HOSTILE), HOSTILE_ESCAPED);
  t.equal(escapeControl('plain /api/users/{id} ünï 😀 \\x41'), 'plain /api/users/{id} ünï 😀 \\x41', 'text, non-ASCII, pairs and backslashes unchanged');
  t.equal(escapeControl('a\ud800b'), 'a\\ud800b', 'a lone high surrogate');
  t.equal(escapeControl('a\udc00'), 'a\\udc00', 'a lone low surrogate');
  t.equal(escapeControl('tab\there'), 'tab\\x09here');
  t.ok(hasControl(HOSTILE));
  t.notOk(hasControl(escapeControl(HOSTILE)), 'nothing left to escape');
});

t.test('safeJsonStringify: printable text that parses back to the same value', async (t) => {
  const value = { identity: HOSTILE, lone: 'x\ud800y', nested: [HOSTILE] };
  const text = safeJsonStringify(value);
  t.notMatch(text, RAW_CONTROL, 'no raw control, separator or bidi character');
  t.notMatch(text, /[\ud800-\udfff]/, 'no lone surrogate');
  t.same(JSON.parse(text), value, 'round-trips');
  t.match(text, '\\u2028');
});

t.test('RFC 5424: one message, SD-PARAM values escaped, JSON body printable', async (t) => {
  const alert = sampleAlert({ identity: `user:${HOSTILE}`, endpoint: { host: `h\x1bx`, method: 'GET', template: `/a\r\nb` } });
  for (const body of ['json', 'cef'] as const) {
    const text = formatRfc5424(alert, { facility: 16, body, procId: '1' });
    t.notMatch(text, RAW_CONTROL, `${body}: no raw control character anywhere`);
    const msg = parseRfc5424(text);
    const sd = sdParams(msg);
    t.equal(sd.get('identity'), `user:${HOSTILE_ESCAPED}`, `${body}: identity escaped in the structured data`);
    t.equal(sd.get('host'), 'h\\x1bx');
    t.equal(sd.get('template'), '/a\\x0d\\x0ab');
    if (body === 'json') t.equal((JSON.parse(msg.msg) as { identity: string }).identity, `user:${HOSTILE}`, 'the JSON body holds the exact value, escaped as JSON');
    else t.equal(parseCef(msg.msg).extension.get('suser'), `user:${HOSTILE_ESCAPED.replace('\\x0d\\x0a', '\r\n')}`, 'CEF: CR/LF as CEF escapes, the rest visible');
  }
});

t.test('CEF header: no raw control, line breaks become spaces', async (t) => {
  const cef = formatCef(sampleAlert({ explanation: { summary: `x\x1b[2J${FAKE_FRAME}`, factors: [] } }));
  t.notMatch(cef, RAW_CONTROL);
  t.equal(parseCef(cef).name, `x\\x1b[2J ${FAKE_FRAME.slice(1)}`);
});

t.test('Slack message text and terminal tables show escapes', async (t) => {
  const slack = safeJsonStringify(slackMessage(sampleAlert({ identity: `user:${HOSTILE}` })));
  t.notMatch(slack, RAW_CONTROL);
  t.match(slack, 'eve\\\\x1b[2J', 'the escape is visible in the Slack text');
  const lines = tableLines([['WHO', 'N'], [`user:${HOSTILE}`, '1'], ['bob', '2']]);
  t.notOk(lines.some((l) => RAW_CONTROL.test(l)), 'no raw control in any line');
  t.equal(lines[1], `user:${HOSTILE_ESCAPED}  1`);
  t.equal(lines[2]?.indexOf('2'), lines[1]?.lastIndexOf('1'), 'columns line up on the escaped width');
});
