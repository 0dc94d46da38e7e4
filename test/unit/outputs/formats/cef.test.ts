// CEF read back by the test's own parser: header and extension escaping round-trip hostile values,
// each standard key carries the alert field it names, severity 0–10, and CEF inside RFC 5424.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { Alert, Severity } from '../../../../src/alerting/types';
import { formatCef } from '../../../../src/outputs/formats/cef';
import { formatRfc5424 } from '../../../../src/outputs/formats/rfc5424';
import { parseCef, parseRfc5424, sampleAlert, sdParams } from '../../../helpers/syslog-parse';

const EXPECTED_CEF_SEVERITY: Record<Severity, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };
const packageVersion = (JSON.parse(readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8')) as { version: string }).version;

function checkRoundTrip(t: Test, alert: Alert): void {
  const cef = parseCef(formatCef(alert));
  t.equal(cef.version, '0');
  t.equal(cef.vendor, 'Tapwatch');
  t.equal(cef.product, 'Tapwatch');
  t.equal(cef.deviceVersion, packageVersion);
  t.equal(cef.signatureId, alert.type);
  t.equal(cef.name, alert.explanation.summary.replace(/\r\n|[\r\n]/g, ' '), 'name is the summary on one line');
  t.equal(Number(cef.severity), EXPECTED_CEF_SEVERITY[alert.severity]);
  const ext = cef.extension;
  t.equal(Number(ext.get('rt')), Math.round(alert.lastSeen * 1000), 'rt in ms');
  t.equal(Number(ext.get('start')), Math.round(alert.firstSeen * 1000));
  t.equal(Number(ext.get('end')), Math.round(alert.lastSeen * 1000));
  t.equal(ext.get('src'), alert.client);
  t.equal(ext.get('suser'), alert.identity);
  t.equal(ext.get('requestMethod'), alert.endpoint?.method);
  t.equal(ext.get('dhost'), alert.endpoint?.host);
  t.equal(ext.get('request'), alert.endpoint && `${alert.endpoint.method} ${alert.endpoint.host}${alert.endpoint.template}`);
  t.equal(ext.get('act'), alert.recommendation.action);
  t.equal(Number(ext.get('cnt')), alert.count);
  t.equal(ext.get('cs1Label'), 'alertId');
  t.equal(ext.get('cs1'), alert.id);
  t.equal(ext.get('cs2Label'), 'explanation');
  t.ok(ext.get('cs2')?.startsWith(alert.explanation.summary), 'cs2 starts with the summary');
  for (const f of alert.explanation.factors) t.match(ext.get('cs2'), `${f.name} ${f.value}`, `cs2 names factor ${f.name}`);
  t.equal(ext.get('cfp1Label'), 'score');
  t.equal(Number(ext.get('cfp1')), alert.score);
}

t.test('an ordinary alert: every key carries its field', async (t) => {
  checkRoundTrip(t, sampleAlert());
  for (const severity of Object.keys(EXPECTED_CEF_SEVERITY) as Severity[]) {
    t.equal(Number(parseCef(formatCef(sampleAlert({ severity }))).severity), EXPECTED_CEF_SEVERITY[severity], severity);
  }
});

t.test('hostile values in header and extension round-trip exactly', async (t) => {
  const nasty = 'pipe| back\\slash eq= key=value cr\r lf\n crlf\r\n ünï😀 \\| \\= trailing\\';
  checkRoundTrip(
    t,
    sampleAlert({
      type: `type|with\\pipes=${'|'}`,
      identity: `apikey:${nasty}`,
      client: '2001:db8::7',
      endpoint: { host: 'h=x|y', method: 'DELETE', template: `/a b/{id}/${nasty}` },
      explanation: { summary: `summary | ${nasty}`, factors: [{ name: 'rate', value: 'x=1 y=2', baseline: 'b|c' }] },
      severity: 'critical',
    }),
  );
  const raw = formatCef(sampleAlert({ identity: 'a\nb' }));
  t.notMatch(raw, /[\r\n]/, 'no raw line break anywhere in the record');
});

t.test('absent fields leave their keys out', async (t) => {
  const { identity: _i, client: _c, endpoint: _e, ...rest } = sampleAlert();
  const ext = parseCef(formatCef(rest as Alert)).extension;
  for (const key of ['suser', 'src', 'request', 'requestMethod', 'dhost']) t.notOk(ext.has(key), `${key} absent`);
  t.ok(ext.has('cs1') && ext.has('act') && ext.has('rt'));
});

t.test('long values are cut to the dictionary lengths', async (t) => {
  const ext = parseCef(formatCef(sampleAlert({ identity: 'u'.repeat(5000), recommendation: { action: 'x'.repeat(100) as 'block', reason: '' } }))).extension;
  t.equal(ext.get('suser')?.length, 1023);
  t.equal(ext.get('act')?.length, 63);
});

t.test('CEF as the MSG of an RFC 5424 message: no BOM, CEF parses, SD still there', async (t) => {
  const alert = sampleAlert({ identity: 'a]"b' });
  const m = parseRfc5424(formatRfc5424(alert, { facility: 16, body: 'cef' }));
  t.equal(m.bom, false, 'collectors look for CEF: at the start of MSG');
  t.equal(parseCef(m.msg).extension.get('suser'), alert.identity);
  t.equal(sdParams(m).get('identity'), alert.identity);
});
