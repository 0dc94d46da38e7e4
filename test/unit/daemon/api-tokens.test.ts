// The token file on a real file system: created at first start with admin and reader, 0600 under
// umask 000; the daemon's view authenticates by value, follows a rotation by stat change, keeps the
// last good tokens when the file turns bad, and refuses a corrupt or other-version file by name.
import t from 'tap';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiTokens, ApiTokensError, apiTokensPathFor, readTokenFile, rotateToken } from '../../../src/daemon/api-tokens';

t.test('the path follows the state database', async (t) => {
  t.equal(apiTokensPathFor('/var/lib/tapwatch/tapwatch.db'), '/var/lib/tapwatch/api-tokens.json');
  t.equal(apiTokensPathFor('state.db'), path.resolve('api-tokens.json'));
});

t.test('first start creates admin and reader, 0600 whatever the umask', async (t) => {
  const file = path.join(t.testdir(), 'api-tokens.json');
  const umask = process.umask(0);
  let opened: ReturnType<typeof ApiTokens.open>;
  try {
    opened = ApiTokens.open(file);
  } finally {
    process.umask(umask);
  }
  t.equal(opened.created, true);
  t.equal(statSync(file).mode & 0o777, 0o600);
  const data = readTokenFile(file)!;
  t.match(data, { version: 1, tokens: [{ name: 'admin', role: 'admin' }, { name: 'reader', role: 'read' }] });
  for (const tok of data.tokens) t.match(tok.token, /^tw_[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
  t.equal(ApiTokens.open(file).created, false, 'a second start keeps the file');
  t.same(readTokenFile(file), data);
});

t.test('authenticate by value; a rotation is picked up by the next check', async (t) => {
  const file = path.join(t.testdir(), 'api-tokens.json');
  const errors: Error[] = [];
  const { tokens } = ApiTokens.open(file, (err) => errors.push(err));
  const value = (name: string): string => readTokenFile(file)!.tokens.find((x) => x.name === name)!.token;
  const admin = value('admin');
  const reader = value('reader');
  t.same(tokens.authenticate(admin), { name: 'admin', role: 'admin' });
  t.same(tokens.authenticate(reader), { name: 'reader', role: 'read' });
  for (const wrong of ['', 'tw_', admin.slice(0, -1), admin + 'x', admin.toLowerCase()]) t.equal(tokens.authenticate(wrong), null, `refused: ${wrong.length} chars`);

  const { token: next } = rotateToken(file, 'reader');
  t.equal(tokens.authenticate(reader), null, 'the old value stops working');
  t.same(tokens.authenticate(next.token), { name: 'reader', role: 'read' });
  t.same(tokens.authenticate(admin), { name: 'admin', role: 'admin' }, 'the others still work');

  writeFileSync(file, '{ not json');
  t.same(tokens.authenticate(admin), { name: 'admin', role: 'admin' }, 'a broken file keeps the last good tokens');
  t.equal(tokens.authenticate(admin)?.name, 'admin');
  t.equal(errors.length, 1, 'reported once, not on every request');
  t.match(errors[0]?.message, `${file}: not a tapwatch token file (not valid JSON)`);
});

t.test('a corrupt or newer file stops the start, naming it', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'api-tokens.json');
  for (const [text, why] of [
    ['[]', 'version undefined, expected 1'],
    ['{"version": 2, "tokens": []}', 'version 2, expected 1'],
    ['{"version": 1}', 'no tokens list'],
    ['{"version": 1, "tokens": [{"name": "a", "role": "read", "token": "tw_short", "created": "x"}]}', 'tokens[0].token is missing or malformed'],
  ] as const) {
    writeFileSync(file, text);
    const err = t.throws(() => ApiTokens.open(file)) as ApiTokensError;
    t.equal(err.message, `${file}: not a tapwatch token file (${why}); restore it, or remove it and run \`tapwatch token rotate\` to make new tokens`);
    t.equal(readFileSync(file, 'utf8'), text, 'the file is not overwritten');
  }
});
