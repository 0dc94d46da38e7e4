// Client ports: from the OS's ephemeral range, never one the same address still uses (or holds in
// TIME_WAIT), so no two flows of the pcap share a 5-tuple at the same time.
import t from 'tap';
import { PortAllocator } from '../../../src/simulate/pcap/ports';
import { Rng } from '../../../src/simulate/prng';

t.test('ports stay in the ephemeral range of the OS and never overlap for one address', async (t) => {
  const ports = new PortAllocator(new Rng(1, 'ports-test'));
  const open: { port: number; start: number; end: number }[] = [];
  for (let i = 0; i < 5000; i++) {
    // a busy NAT: connections of 5 s, a new one every 10 ms
    const start = i * 10_000;
    const port = ports.take('203.0.113.9', 'linux', start, start + 5_000_000);
    open.push({ port, start, end: start + 5_000_000 });
  }
  t.same(open.filter((c) => c.port < 32768 || c.port > 60999), [], 'all in 32768-60999');
  const clash = open.find((a, i) => open.slice(Math.max(0, i - 600), i).some((b) => b.port === a.port && b.end + 120_000_000 > a.start));
  t.equal(clash, undefined, 'no port reused while open or in TIME_WAIT');
  const windows = new PortAllocator(new Rng(1, 'ports-test')).take('198.51.100.3', 'windows', 0, 1);
  t.ok(windows >= 49152 && windows <= 65535, 'Windows hands out 49152-65535');
});
