// RFC 5424 messages read back by the test's own parser: PRI for every facility and severity, the
// timestamp to the microsecond, structured-data escaping of hostile values, header caps, JSON body.
import t from 'tap';
import type { Alert, Severity } from '../../../../src/alerting/types';
import { formatRfc5424, rfc3339Micros } from '../../../../src/outputs/formats/rfc5424';
import { DEFAULT_SD_ID } from '../../../../src/outputs/formats/syslog-fields';
import { FACILITIES } from '../../../../src/outputs/formats/syslog-fields';
import { parseRfc5424, sampleAlert, sdParams, strictUtf8 } from '../../../helpers/syslog-parse';

// RFC 5424 §6.2.1 table 2 and the mapping the issue asks for.
const EXPECTED_SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

const json = (alert: Alert, extra: Partial<Parameters<typeof formatRfc5424>[1]> = {}) =>
  parseRfc5424(strictUtf8(Buffer.from(formatRfc5424(alert, { facility: 16, body: 'json', ...extra }))));

t.test('PRI is facility × 8 + severity for every facility and severity', async (t) => {
  const names = Object.keys(FACILITIES) as Array<keyof typeof FACILITIES>;
  t.equal(names.length, 24, 'facilities 0–23');
  t.same(names.slice(0, 1).concat(names.slice(16)), ['kern', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7']);
  for (const [code, name] of names.entries()) {
    t.equal(FACILITIES[name], code, `${name} is ${code}`);
    for (const severity of Object.keys(EXPECTED_SYSLOG_SEVERITY) as Severity[]) {
      const m = json(sampleAlert({ severity }), { facility: FACILITIES[name] });
      if (m.facility !== code || m.severity !== EXPECTED_SYSLOG_SEVERITY[severity]) {
        t.fail(`${name}/${severity}: got facility ${m.facility} severity ${m.severity}`);
      }
      t.equal(m.pri, code * 8 + EXPECTED_SYSLOG_SEVERITY[severity]);
    }
  }
});

t.test('header: version 1, lastSeen as RFC 3339 UTC with microseconds, app, procid, msgid', async (t) => {
  const whole = Date.UTC(2024, 4, 1, 12, 34, 56) / 1000;
  for (const micros of [0, 1, 789, 500000, 999999]) {
    const alert = sampleAlert({ lastSeen: whole + micros / 1e6 });
    const m = json(alert);
    t.equal(m.version, 1);
    t.match(m.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    t.equal(Date.parse(m.timestamp.replace(/\.\d+Z$/, 'Z')) / 1000, whole, 'seconds');
    t.equal(Number(m.timestamp.slice(20, 26)), micros, `fraction of ${micros} µs`);
    t.equal(m.appName, 'tapwatch');
    t.equal(m.procId, String(process.pid));
    t.equal(m.msgId, alert.type);
    t.equal(m.hostname, alert.sensor, 'hostname defaults to the sensor in the alert');
  }
  t.equal(rfc3339Micros(Number.NaN), '-');
  t.equal(json(sampleAlert({ lastSeen: Number.NaN })).timestamp, '-', 'no time → NILVALUE, still parseable');
  t.equal(json(sampleAlert(), { hostname: 'collector-side-name' }).hostname, 'collector-side-name');
});

t.test('structured data: every param, hostile values escaped and read back exactly', async (t) => {
  const nasty = 'a"b]c\\d=e|f ü 😀 \\] \\" end\\';
  const alert = sampleAlert({
    identity: `jwt:${nasty}`,
    client: '2001:db8::1',
    endpoint: { host: 'api]"\\.example', method: 'PATCH', template: '/v1/items/{id}]["x"]' },
    type: 'mass-assignment',
    severity: 'critical',
    score: 0.5,
    count: 3,
    recommendation: { action: 'block', durationSec: 600, reason: 'r' },
  });
  const m = json(alert);
  t.equal(m.sd.length, 1);
  t.equal(m.sd[0]!.id, DEFAULT_SD_ID);
  t.same(Object.fromEntries(sdParams(m)), {
    id: alert.id,
    type: alert.type,
    severity: alert.severity,
    score: String(alert.score),
    identity: alert.identity,
    client: alert.client,
    host: alert.endpoint!.host,
    method: alert.endpoint!.method,
    template: alert.endpoint!.template,
    count: String(alert.count),
    action: alert.recommendation.action,
  });
});

t.test('absent params are left out, not written empty', async (t) => {
  const { identity: _i, client: _c, endpoint: _e, ...rest } = sampleAlert();
  const m = json(rest as Alert);
  t.same([...sdParams(m).keys()], ['id', 'type', 'severity', 'score', 'count', 'action']);
});

t.test('header fields are PRINTUSASCII and capped at the RFC lengths', async (t) => {
  const m = json(sampleAlert({ type: `shadow endpoint/ünï${'x'.repeat(60)}`, sensor: `höst ${'h'.repeat(400)}` }), {
    appName: 'a'.repeat(100),
    procId: 'p'.repeat(200),
  });
  t.equal(m.msgId.length, 32);
  t.equal(m.hostname.length, 255);
  t.equal(m.appName.length, 48);
  t.equal(m.procId.length, 128);
  t.match(m.msgId, /^shadow_endpoint\/_n_x+$/, 'space and non-ASCII replaced');
  t.equal(json(sampleAlert({ sensor: '' })).hostname, '-', 'empty → NILVALUE');
  t.equal(json(sampleAlert({ sensor: '' }), { appName: '' }).appName, '-');
});

t.test('JSON body: UTF-8 BOM, then the alert as JSON', async (t) => {
  const alert = sampleAlert({ explanation: { summary: 'naïve ✓ "quoted" ] \\', factors: [] } });
  const m = json(alert);
  t.equal(m.bom, true);
  t.same(JSON.parse(m.msg), alert);
});

t.test('configurable SD-ID; an invalid one is refused', async (t) => {
  t.equal(json(sampleAlert(), { sdId: 'alerts@99999' }).sd[0]!.id, 'alerts@99999');
  for (const bad of ['has space@1', 'a=b@1', 'x]@1', 'q"@1', '', 'x'.repeat(33)]) {
    t.throws(() => formatRfc5424(sampleAlert(), { facility: 16, body: 'json', sdId: bad }), /invalid SD-ID/, JSON.stringify(bad));
  }
});
