// What tests of the local API share: a real token file in a temp dir (read back as `tapwatch token
// show` would), the Authorization header, and a CA, server and client certificates made by the
// openssl CLI, and the API started on a real sensor and SQLite alert store. Not a test file itself.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Counters } from '../../../src/core/counters';
import { ApiTokens, readTokenFile } from '../../../src/daemon/api-tokens';
import { startHttpApi, type HttpApi } from '../../../src/daemon/http-api';
import { apiSchema } from '../../../src/daemon/config';
import { SensorMetrics } from '../../../src/daemon/metrics';
import { Sensor } from '../../../src/daemon/sensor';
import { buildConfig } from '../../../src/config/load';
import { openDatabase } from '../../../src/store/database';
import { ALL_MIGRATIONS } from '../../../src/daemon/migrations';
import { AlertIdGenerator } from '../../../src/alerting/ids';
import { AuditLog } from '../../../src/audit/audit-log';
import { auditTrail } from '../../../src/audit/audit-trail';
import { Outbox } from '../../../src/outputs/outbox/outbox';
import { openResponseStage, type ResponseStage } from '../../../src/response/stage';
import { responseSchema } from '../../../src/response/config';
import { FEEDS } from '../../../src/response/feeds';
import { createLogger } from '../../../src/core/logger';
import { AlertStore } from '../../../src/alerting/store';
import { AlertPolicy } from '../../../src/alerting/policy';
import { alertingSchema } from '../../../src/alerting/config';
import type { AuditEntry } from '../../../src/audit/types';
import { finding } from '../alerting/helpers';

export interface TokenFixture {
  tokens: ApiTokens;
  counters: Counters;
  file: string;
  /** The current value of a token in the file. */
  value(name: string): string;
}

/** Creates `<dir>/api-tokens.json` (admin, reader) as the daemon's first start does. */
export function tokenFixture(dir: string): TokenFixture {
  const file = path.join(dir, 'api-tokens.json');
  const { tokens } = ApiTokens.open(file);
  return {
    tokens,
    counters: new Counters(),
    file,
    value: (name) => {
      const t = readTokenFile(file)?.tokens.find((x) => x.name === name);
      if (!t) throw new Error(`no token ${name} in ${file}`);
      return t.token;
    },
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface Certs {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: a client trusting only it must refuse the server. */
  otherCa: string;
}

function openssl(dir: string, ...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, all signed by the CA. */
export function makeCerts(dir: string): Certs {
  const p = (name: string): string => path.join(dir, name);
  const ca = (name: string): void => openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
  ca('ca');
  ca('other-ca');
  const leaf = (name: string, ext: string): void => {
    openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(p(`${name}.ext`), ext);
    openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  return { ca: p('ca.pem'), cert: p('server.pem'), key: p('server.key'), clientCert: p('client.pem'), clientKey: p('client.key'), otherCa: p('other-ca.pem') };
}

export interface TestApi {
  api: HttpApi;
  fx: TokenFixture;
  sensor: Sensor;
  store: AlertStore;
  /** The response stage whose feeds GET /feeds serves. */
  response: ResponseStage;
  /** An alert in the store, for feedback. */
  alertId: string;
  /** What the audit trail stored, oldest first. */
  audited: AuditEntry[];
}

/** The real API on a real sensor's counters and metrics, a SQLite alert store with one alert, in `dir`. */
export async function startTestApi(dir: string, api: Record<string, unknown> = {}): Promise<TestApi & { close(): Promise<void> }> {
  const sensor = new Sensor(buildConfig({}));
  const metrics = new SensorMetrics({ sensor }, { defaultMetrics: false });
  const file = path.join(dir, 'state.db');
  const db = openDatabase(file, ALL_MIGRATIONS);
  const store = new AlertStore(db, file);
  const alert = new AlertPolicy(alertingSchema.parse({ sensor: 'api-test' }), new Counters()).process(finding()).alert!;
  store.saveAlerts([alert]);
  const fx = tokenFixture(dir);
  // the daemon's real audit trail on the same file (no destinations: stored only)
  const auditLog = new AuditLog(db, file, { maxRecords: 1000, counters: sensor.counters, ids: new AlertIdGenerator() });
  const trail = auditTrail({ db, file, log: auditLog, outbox: new Outbox(db, { maxBacklogPerDestination: 10, counters: sensor.counters }), destinations: () => [], sensor: () => 'api-test' });
  // the product's response stage and feeds on the same file (decisions the tests add)
  const response = openResponseStage({ db, dbFile: file, config: responseSchema.parse({}), counters: sensor.counters, log: createLogger('silent', false), feeds: FEEDS, sensor: 'api-test' });
  let started: HttpApi;
  try {
    started = await startHttpApi(apiSchema.parse({ listen: { port: 0 }, ...api }), {
      metrics,
      readiness: () => ({ captureOpen: true, stagesUp: true }),
      alerts: () => store,
      tokens: fx.tokens,
      counters: sensor.counters,
      audited: trail.audited,
      feeds: (name) => response.feed(name),
    });
  } catch (err) {
    metrics.stop();
    db.close();
    throw err;
  }
  return {
    api: started,
    fx,
    sensor,
    store,
    alertId: alert.id,
    response,
    get audited(): AuditEntry[] {
      return auditLog.list().map(({ actor, action, target, details }) => ({ actor, action, target, ...(details !== undefined ? { details } : {}) }));
    },
    close: async () => {
      await started.close();
      metrics.stop();
      db.close();
    },
  };
}
