// Query-string credentials are redacted in transaction records; ordinary parameters are kept.
import t from 'tap';
import { redactUri } from '../../../src/http/redact-uri';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

t.test('credential names and secret-shaped values lose their value', async (t) => {
  t.equal(redactUri('/pets?api_key=abc123&limit=5'), '/pets?api_key=REDACTED&limit=5');
  t.equal(redactUri('/login?username=bob&password=hunter2'), '/login?username=bob&password=REDACTED');
  t.equal(redactUri(`/cb?state=1&t=${JWT}`), '/cb?state=1&t=REDACTED', 'a JWT under any name');
  t.equal(redactUri('/x?Access_Token=zzz#frag'), '/x?Access_Token=REDACTED#frag');
  t.equal(redactUri('/x?k=AKIAIOSFODNN7EXAMPLE'), '/x?k=REDACTED', 'an AWS access key id');
  t.equal(redactUri('/x?api%5Fkey=v'), '/x?api%5Fkey=REDACTED', 'percent-encoded names too');
});

t.test('everything else is kept as sent', async (t) => {
  t.equal(redactUri('/pets?status=sold&tags=a,b'), '/pets?status=sold&tags=a,b');
  t.equal(redactUri('/pets/42'), '/pets/42');
  t.equal(redactUri('/x?token='), '/x?token=', 'an empty value has nothing to hide');
  t.equal(redactUri('/x?%E0%A4%A=1'), '/x?%E0%A4%A=1', 'undecodable text is judged raw');
  t.equal(redactUri(null), null);
});
