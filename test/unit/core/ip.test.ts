import t from 'tap';
import { endpointToString, ipToString } from '../../../src/core/ip';
import { isIPv6 } from 'node:net';

// Node's own URL parser is the reference for RFC 5952 compression.
function nodeCanonical(groups: number[]): string {
  const text = groups.map((g) => g.toString(16)).join(':');
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

function toBytes(groups: number[]): Uint8Array {
  const b = new Uint8Array(16);
  groups.forEach((g, i) => {
    b[i * 2] = g >> 8;
    b[i * 2 + 1] = g & 0xff;
  });
  return b;
}

t.test('IPv4 formatting', async (t) => {
  t.equal(ipToString(4, Uint8Array.from([192, 168, 0, 1])), '192.168.0.1');
  t.equal(endpointToString(4, Uint8Array.from([10, 0, 0, 2]), 80), '10.0.0.2:80');
});

t.test('IPv6 formatting agrees with the WHATWG URL parser', async (t) => {
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const wrong: string[] = [];
  for (let n = 0; n < 2000; n++) {
    const groups = Array.from({ length: 8 }, () => (rnd() % 3 === 0 ? rnd() & 0xffff : 0));
    const got = ipToString(6, toBytes(groups));
    if (!isIPv6(got) || got !== nodeCanonical(groups)) wrong.push(`${groups.join(',')} -> ${got}`);
  }
  t.same(wrong, [], 'every random address formats canonically');
  t.equal(endpointToString(6, toBytes([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), 443), '[2001:db8::1]:443');
});
