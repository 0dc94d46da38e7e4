// Host patterns of `inventory.specs[].hosts`: names on any port, host:port, globs, CIDRs (a Host
// that is an IP literal in range, or the server address), and clear errors for what is none of them.
import t from 'tap';
import { compileHostPattern, splitHostPort } from '../../../../src/inventory/openapi/host-patterns';

t.test('names, ports and case', async (t) => {
  const any = compileHostPattern('API.Example.com');
  t.ok(any.matches('api.example.com'));
  t.ok(any.matches('api.example.com:8443'), 'a name without a port matches every port');
  t.ok(any.matches('api.example.com.'), 'trailing dot ignored');
  t.notOk(any.matches('www.api.example.com'));
  const port = compileHostPattern('api.example.com:8443');
  t.ok(port.matches('api.example.com:8443'));
  t.notOk(port.matches('api.example.com:443'));
  t.notOk(port.matches('api.example.com'), 'a port in the pattern needs the same port');
  t.ok(compileHostPattern('[::1]:8080').matches('[::1]:8080'));
  t.ok(compileHostPattern('127.0.0.1').matches('127.0.0.1:9000'));
  t.same(splitHostPort('[fd00::1]:80'), { name: 'fd00::1', port: '80' });
});

t.test('globs stay within a label', async (t) => {
  const p = compileHostPattern('*.api.example.com');
  t.ok(p.matches('eu.api.example.com:443'));
  t.notOk(p.matches('a.b.api.example.com'), '* does not cross a dot');
  t.notOk(p.matches('api.example.com'));
  t.ok(compileHostPattern('api-?.internal').matches('api-7.internal'));
  t.notOk(compileHostPattern('api-?.internal').matches('api-77.internal'));
});

t.test('CIDRs match an IP Host or the server address', async (t) => {
  const p = compileHostPattern('10.0.0.0/8');
  t.ok(p.matches('10.1.2.3:8080'));
  t.notOk(p.matches('11.1.2.3'));
  t.notOk(p.matches('api.internal'), 'a name alone is not in a range');
  t.ok(p.matches('api.internal', '10.9.9.9:80'), 'the server address it was sent to is');
  t.notOk(p.matches('api.internal', '192.0.2.1:80'));
  const v6 = compileHostPattern('fd00::/8');
  t.ok(v6.matches('[fd12::5]:443'));
  t.ok(v6.matches('x', '[fd00::7]:80'));
});

t.test('bad patterns are errors naming the pattern', async (t) => {
  t.throws(() => compileHostPattern(''), /empty/);
  t.throws(() => compileHostPattern('10.0.0.0/99'), /"10\.0\.0\.0\/99" is not a CIDR/);
  t.throws(() => compileHostPattern('http://api.example.com'), /is a URL, not a host name/);
  t.throws(() => compileHostPattern('api example.com'), /not a host name, host:port, glob or CIDR/);
});
