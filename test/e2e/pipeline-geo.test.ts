// The identity stage's offline geo databases reach the stages after it through the composition root:
// the baselines count each identity's ASNs, and detectors can ask where an address is. MaxMind's own
// test databases (test/unit/identity/fixtures/geo); 1.0.0.0/24 is AS15169 there, 2.125.160.216/29 is GB.
import t from 'tap';
import path from 'node:path';
import pino from 'pino';
import { FileSource } from '../../src/capture/file-source';
import { buildConfig } from '../../src/config/load';
import type { DetectorContext, DetectorEntry } from '../../src/detectors';
import { openPipeline } from '../../src/daemon/pipeline';
import { Sensor } from '../../src/daemon/sensor';
import { z } from 'zod';
import { writeHttpPcap, type HttpExchange } from '../helpers/pcap-writer';

const GEO = path.join(__dirname, '../unit/identity/fixtures/geo');

function exchange(client: string, user: string): HttpExchange {
  const auth = Buffer.from(`${user}:pw`).toString('base64');
  return {
    client,
    server: '10.1.0.1',
    serverPort: 8080,
    request: `GET /api/things HTTP/1.1\r\nHost: api.internal\r\nAuthorization: Basic ${auth}\r\n\r\n`,
    response: 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
  };
}

t.test('ASNs in the baselines and where an address is, for detectors', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'geo.pcap');
  writeHttpPcap(file, [exchange('1.0.0.1', 'alice'), exchange('1.0.0.1', 'alice'), exchange('2.125.160.217', 'alice'), exchange('10.0.0.7', 'bob')], 1_700_000_000);
  let context: DetectorContext | null = null;
  const asnsSeen: string[][] = [];
  const probe: DetectorEntry<object> = {
    key: 'probe',
    description: 'Records what the pipeline gives a detector.',
    schema: z.object({}).strict(),
    create(_options, c) {
      context = c;
      return {
        name: 'probe',
        onTransaction(_tx, ctx) {
          const b = ctx.identity === null ? null : (c.features?.forIdentity(ctx.identity) ?? null);
          asnsSeen.push(b?.asns?.entries.map((e) => e.value) ?? []);
        },
      };
    },
  };
  const config = buildConfig({ identity: { geo: { asnDatabase: path.join(GEO, 'GeoLite2-ASN-Test.mmdb'), countryDatabase: path.join(GEO, 'GeoLite2-Country-Test.mmdb') } } });
  const sensor = new Sensor(config);
  const pipeline = openPipeline(config, sensor, { dbPath: null, log: pino({ level: 'silent' }), hooks: {}, detectors: [probe] });
  await sensor.consume(new FileSource(file, { filter: '', batchBytes: 1 << 20 }));
  sensor.finish();
  await pipeline.close(sensor.summary.lastTs + 1, 1000);
  // a named identity has a baseline from its second request (features.admitOnSecondRequest)
  t.same(asnsSeen, [[], ['AS15169'], ['AS15169'], []], "alice's baseline counts AS15169; the GB address has no ASN in the data; bob has no baseline yet");
  const geo = (context as DetectorContext | null)?.geo;
  t.match(geo?.('1.0.0.1'), { asn: 15169 });
  t.match(geo?.('2.125.160.217'), { country: 'GB' });
  t.same({ ...geo?.('10.0.0.7') }, {}, 'nothing for a private address');
});

t.test('without geo databases: no ASNs, detectors are told nothing', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'nogeo.pcap');
  writeHttpPcap(file, [exchange('1.0.0.1', 'alice')], 1_700_000_000);
  let context: DetectorContext | null = null;
  const probe: DetectorEntry<object> = {
    key: 'probe',
    description: 'Records what the pipeline gives a detector.',
    schema: z.object({}).strict(),
    create(_options, c) {
      context = c;
      return { name: 'probe', onTransaction() {} };
    },
  };
  const config = buildConfig({});
  const sensor = new Sensor(config);
  const pipeline = openPipeline(config, sensor, { dbPath: null, log: pino({ level: 'silent' }), hooks: {}, detectors: [probe] });
  await sensor.consume(new FileSource(file, { filter: '', batchBytes: 1 << 20 }));
  sensor.finish();
  await pipeline.close(sensor.summary.lastTs + 1, 1000);
  t.same({ ...(context as DetectorContext | null)?.geo('1.0.0.1') }, {});
});
