// X-Forwarded-For and Forwarded (RFC 7239) are believed only from a trusted proxy: the client is the
// rightmost address that is not itself a trusted proxy; anything else keeps the packet's client address.
import t from 'tap';
import { Counters } from '../../../src/core/counters';
import { addressOf, ClientAddress } from '../../../src/identity/forwarded';
import { get, openStage } from './helpers';

t.test('no trusted proxies: the packet address, whatever the header says', async (t) => {
  const counters = new Counters();
  const ca = new ClientAddress([], counters);
  t.equal(ca.resolve('10.0.0.1', '203.0.113.9'), '10.0.0.1');
});

t.test('trusted proxies: the rightmost untrusted hop', async (t) => {
  const counters = new Counters();
  const ca = new ClientAddress(['10.0.0.0/8', '2001:db8::/32'], counters);
  t.equal(ca.resolve('10.0.0.1', '203.0.113.9'), '203.0.113.9', 'one hop');
  t.equal(ca.resolve('10.0.0.1', '198.51.100.66, 203.0.113.9, 10.1.1.1'), '203.0.113.9', 'a client-written address left of the last untrusted hop is ignored');
  t.equal(ca.resolve('10.0.0.1', '10.2.2.2, 10.3.3.3'), '10.2.2.2', 'every hop trusted: the leftmost');
  t.equal(ca.resolve('10.0.0.1', '[2001:db9::5]:4711, 10.3.3.3'), '2001:db9::5', 'bracketed IPv6 with a port');
  t.equal(ca.resolve('10.0.0.1', '192.0.2.1:8080'), '192.0.2.1', 'IPv4 with a port');
  t.equal(ca.resolve('10.0.0.1', 'unknown, 10.3.3.3'), '10.3.3.3', 'a garbled hop: the nearest trusted hop before it');
  t.equal(ca.resolve('10.0.0.1', 'garbage'), '10.0.0.1', 'nothing valid: the packet address');
  t.equal(ca.resolve('192.0.2.50', '203.0.113.9'), '192.0.2.50', 'from an untrusted address the header is ignored');
  t.equal(counters.get('identity.xff.ignored'), 1);
  t.equal(counters.get('identity.xff.used'), 7);
});

t.test('addresses of header entries', async (t) => {
  t.equal(addressOf(' 203.0.113.9 '), '203.0.113.9');
  t.equal(addressOf('2001:DB8::1'), '2001:db8::1');
  t.equal(addressOf('[::1]:80'), '::1');
  t.equal(addressOf('example.com'), null);
  t.equal(addressOf('_hidden'), null);
});

t.test('the stage: ctx.clientIp and the ip identity follow the trusted header', async (t) => {
  const off = openStage().feed(get('/', ['X-Forwarded-For: 203.0.113.9'], 1_700_000_000, '10.0.0.1'));
  t.equal(off.clientIp, '10.0.0.1');
  t.equal(off.identity, 'ip:10.0.0.1');
  const on = openStage({ trustedProxies: ['10.0.0.1'] }).feed(get('/', ['X-Forwarded-For: 203.0.113.9'], 1_700_000_000, '10.0.0.1'));
  t.equal(on.clientIp, '203.0.113.9');
  t.equal(on.identity, 'ip:203.0.113.9');
});

t.test('Forwarded (RFC 7239): its for= nodes, preferred over X-Forwarded-For, believed only from a trusted proxy', async (t) => {
  const trusted = openStage({ trustedProxies: ['10.0.0.0/8'] });
  // the RFC's own examples: a quoted IPv6 node with a port, several elements, and an obfuscated node
  const v6 = trusted.feed(get('/', ['Forwarded: for="[2001:db8:cafe::17]:4711"'], 1_700_000_000, '10.0.0.1'));
  t.equal(v6.clientIp, '2001:db8:cafe::17');
  const chain = trusted.feed(get('/', ['Forwarded: for=192.0.2.43, for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com', 'Forwarded: for=10.9.9.9'], 1_700_000_001, '10.0.0.1'));
  t.equal(chain.clientIp, '198.51.100.17', 'elements across two header lines, in order: the rightmost untrusted node');
  const both = trusted.feed(get('/', ['X-Forwarded-For: 203.0.113.250', 'Forwarded: for=192.0.2.60;proto=http'], 1_700_000_002, '10.0.0.1'));
  t.equal(both.clientIp, '192.0.2.60', 'Forwarded wins over X-Forwarded-For');
  const hidden = trusted.feed(get('/', ['Forwarded: for=_hidden, for=10.3.3.3'], 1_700_000_003, '10.0.0.1'));
  t.equal(hidden.clientIp, '10.3.3.3', 'an obfuscated node is a hop nothing can be said about');
  const untrusted = openStage({ trustedProxies: ['10.0.0.0/8'] }).feed(get('/', ['Forwarded: for=192.0.2.60'], 1_700_000_004, '192.0.2.99'));
  t.equal(untrusted.clientIp, '192.0.2.99', 'from an untrusted address the header is ignored');
});
