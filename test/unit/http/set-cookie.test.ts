// setCookieValue reads the name and value a Set-Cookie header sets (RFC 6265 §5.2) and nothing for
// a header that removes a cookie or sets no value.
import t from 'tap';
import { setCookieValue } from '../../../src/http/head-fields';

t.test('name and value, attributes ignored', async (t) => {
  t.same(setCookieValue('sessionid=abc123; Path=/; HttpOnly'), { name: 'sessionid', value: 'abc123' });
  t.same(setCookieValue('sid="quoted"; Secure'), { name: 'sid', value: 'quoted' }, 'quotes around the value are not part of it');
  t.same(setCookieValue(' a = b=c '), { name: 'a', value: 'b=c' }, 'the first = splits, whitespace trimmed');
  t.same(setCookieValue('sid=x; Max-Age=3600'), { name: 'sid', value: 'x' }, 'a positive Max-Age sets it');
});

t.test('headers that set nothing', async (t) => {
  t.equal(setCookieValue('sid=; Path=/'), null, 'empty value');
  t.equal(setCookieValue('=abc'), null, 'no name');
  t.equal(setCookieValue('noequals'), null);
  t.equal(setCookieValue('sid=x; Max-Age=0'), null, 'Max-Age 0 removes it');
  t.equal(setCookieValue('sid=x; max-age=-1'), null);
  t.equal(setCookieValue('sid=deleted; Expires=Thu, 01 Jan 1970 00:00:00 GMT'), null, 'an Expires in 1970 removes it');
});
