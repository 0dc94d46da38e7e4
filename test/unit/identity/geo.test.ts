// ASN and country from MaxMind's own test databases (maxmind/MaxMind-DB), expected values taken from
// the JSON source data those databases were written from (longest matching prefix); private and
// loopback addresses have none; no database, no geo; an unreadable database is one plain sentence.
import t from 'tap';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../src/core/counters';
import { GeoError, GeoLookup, isNonPublicAddress } from '../../../src/identity/geo';
import { geoSchema } from '../../../src/identity/config';
import { get, openStage } from './helpers';

const DIR = path.join(__dirname, 'fixtures/geo');
const ASN_DB = path.join(DIR, 'GeoLite2-ASN-Test.mmdb');
const COUNTRY_DB = path.join(DIR, 'GeoLite2-Country-Test.mmdb');

interface Source<V> {
  net: number;
  prefix: number;
  value: V;
}

function ipv4(text: string): number {
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function dotted(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The IPv4 entries of a MaxMind source-data file. */
function sourceOf<V>(file: string): Source<V>[] {
  const entries = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Record<string, V>[];
  const out: Source<V>[] = [];
  for (const entry of entries) {
    for (const [cidr, value] of Object.entries(entry)) {
      const [net, bits] = cidr.split('/');
      if (net === undefined || bits === undefined || net.includes(':')) continue;
      out.push({ net: ipv4(net), prefix: Number(bits), value });
    }
  }
  return out;
}

function longestMatch<V>(source: Source<V>[], ip: number): V | undefined {
  let best: Source<V> | undefined;
  for (const s of source) {
    const size = 2 ** (32 - s.prefix);
    if (ip >= s.net && ip < s.net + size && (best === undefined || s.prefix > best.prefix)) best = s;
  }
  return best?.value;
}

interface AsnSource {
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}
interface CountrySource {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
}

t.test('ASN and country as the source data says', async (t) => {
  const asns = sourceOf<AsnSource>('GeoLite2-ASN-Test.json');
  const countries = sourceOf<CountrySource>('GeoLite2-Country-Test.json');
  const geo = new GeoLookup(geoSchema.parse({ asnDatabase: ASN_DB, countryDatabase: COUNTRY_DB }), new Counters());
  const probes = [...asns, ...countries].filter((_, i) => i % 7 === 0).map((s) => s.net + 1);
  t.ok(probes.length > 20, `${probes.length} addresses`);
  for (const n of probes) {
    const ip = dotted(n);
    if (isNonPublicAddress(ip)) continue;
    const a = longestMatch(asns, n);
    const c = longestMatch(countries, n);
    const expected: Record<string, unknown> = {};
    if (a?.autonomous_system_number !== undefined) expected['asn'] = a.autonomous_system_number;
    if (a?.autonomous_system_organization !== undefined) expected['asOrg'] = a.autonomous_system_organization;
    const iso = c?.country?.iso_code ?? c?.registered_country?.iso_code;
    if (iso !== undefined) expected['country'] = iso;
    t.same({ ...geo.lookup(ip) }, expected, ip);
  }
});

t.test('through the stage: each IP of an identity carries its ASN and country; private addresses none', async (t) => {
  const { feed, stage } = openStage({ geo: { asnDatabase: ASN_DB, countryDatabase: COUNTRY_DB } });
  feed(get('/', [], 1_700_000_000, '2.125.160.217')); // 2.125.160.216/29 in the country data: GB
  feed(get('/', [], 1_700_000_000, '1.0.0.1')); // 1.0.0.0/24 in the ASN data: 15169 Google Inc.
  feed(get('/', [], 1_700_000_000, '10.1.2.3'));
  const ips = Object.fromEntries(stage.rows().map((r) => [r.id, r.stats.ips[0]]));
  t.match(ips['ip:2.125.160.217'], { country: 'GB' });
  t.match(ips['ip:1.0.0.1'], { asn: 15169, asOrg: 'Google Inc.' });
  t.same(ips['ip:10.1.2.3'], { ip: '10.1.2.3', requests: 1, firstSeen: 1_700_000_000, lastSeen: 1_700_000_000 }, 'no geo for a private address');
});

t.test('no database configured: no geo, nothing counted', async (t) => {
  const counters = new Counters();
  const geo = new GeoLookup(geoSchema.parse({}), counters);
  t.notOk(geo.enabled);
  t.same({ ...geo.lookup('1.0.0.1') }, {});
  t.same(counters.snapshot(), {});
});

t.test('non-public addresses', async (t) => {
  for (const ip of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1']) t.ok(isNonPublicAddress(ip), ip);
  for (const ip of ['1.0.0.1', '8.8.8.8', '2001:4860::8888']) t.notOk(isNonPublicAddress(ip), ip);
});

t.test('geo.maxCachedAddresses: a full cache is emptied and counted', async (t) => {
  const counters = new Counters();
  const geo = new GeoLookup(geoSchema.parse({ asnDatabase: ASN_DB, maxCachedAddresses: 2 }), counters);
  for (const ip of ['1.0.0.1', '1.0.0.2', '1.0.0.3']) geo.lookup(ip);
  t.equal(counters.get('identity.geo.cache_reset'), 1);
});

t.test('a database that cannot be read: one sentence naming the key and the file', async (t) => {
  const bad = path.join(mkdtempSync(path.join(os.tmpdir(), 'tapwatch-geo-')), 'not.mmdb');
  writeFileSync(bad, 'not a database');
  t.throws(() => new GeoLookup(geoSchema.parse({ countryDatabase: bad }), new Counters()), GeoError);
  t.throws(() => new GeoLookup(geoSchema.parse({ asnDatabase: path.join(DIR, 'missing.mmdb') }), new Counters()), {
    name: 'GeoError',
    message: /^identity\.geo\.asnDatabase \S*missing\.mmdb: cannot be read as a MaxMind database [^\n]*$/,
  });
});
