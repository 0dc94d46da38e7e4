// The user name of a login, from a form or JSON body or a query; no password field, no login; and
// the words that mark a path as a possible login.
import t from 'tap';
import { formLoginUser, jsonLoginUser, jsonTokens, loginFieldNames, MAX_USERNAME_CHARS } from '../../../src/identity/login-fields';
import { hasLoginWord } from '../../../src/identity/login-paths';
import { identityConfig } from './helpers';

const { login } = identityConfig();
const names = loginFieldNames(login.userFields, login.passwordFields);

t.test('forms', async (t) => {
  t.equal(formLoginUser('username=admin&password=password&Login=Login', names), 'admin');
  t.equal(formLoginUser('grant_type=password&username=j%40example.com&password=x', names), 'j@example.com', 'percent-decoded');
  t.equal(formLoginUser('USER=Bob+Smith&Passwd=x', names), 'Bob Smith', 'names without case, + as space');
  t.equal(formLoginUser('name=Ann&email=a@b.c&password=x', names), 'a@b.c', 'the configured order decides (email before name), not the order sent');
  t.equal(formLoginUser('username=admin&remember=1', names), null, 'no password field');
  t.equal(formLoginUser('password=x', names), null, 'no user field');
  t.equal(formLoginUser('username=&password=x', names), null, 'an empty user');
  t.equal(formLoginUser(`username=${'u'.repeat(500)}&password=x`, names)?.length, MAX_USERNAME_CHARS, 'cut');
});

t.test('JSON', async (t) => {
  t.equal(jsonLoginUser('{"login_id":"toto","password":"tototo"}', names), 'toto');
  t.equal(jsonLoginUser('{"user":{"email":"kim@example.com","password":"x"}}', names), 'kim@example.com', 'one level down');
  t.equal(jsonLoginUser('{"username":"kim","password":123}', names), null, 'a password that is not a string');
  t.equal(jsonLoginUser('[1,2]', names), null);
  t.equal(jsonLoginUser('{not json', names), null);
});

t.test('tokens in a login response', async (t) => {
  const fields = new Set(login.tokenFields.map((f) => f.toLowerCase()));
  t.same(jsonTokens('{"access_token":"abcdefgh1234","token_type":"bearer","data":{"sessionId":"s-0000000001"}}', fields, 4), ['abcdefgh1234', 's-0000000001']);
  t.same(jsonTokens('{"token":"short"}', fields, 4), [], 'too short to be a token');
});

t.test('login words in paths', async (t) => {
  const hints = new Set(login.pathHints);
  for (const p of ['/login', '/dvwa/login.php', '/api/v4/users/login', '/oauth/token', '/users/sign_in', '/identity/api/auth/login', '/j_security_check', '/Sign-In']) t.ok(hasLoginWord(p, hints), p);
  for (const p of ['/', '/api/orders', '/blog/logins-explained-2', '/oauthorize', '/api/tokenize/x']) t.notOk(hasLoginWord(p, hints), p);
});
