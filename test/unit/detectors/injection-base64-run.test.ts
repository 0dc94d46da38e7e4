// hasBase64Run is the one-pass form of "a run of 12+ base64 characters with both cases": checked
// against that rule written as a regex, on fixed cases and on seeded random strings.
import t from 'tap';
import { hasBase64Run } from '../../../src/detectors/injection';
import { prng } from '../../helpers/prng';

const RULE = /(?=[A-Za-z0-9+_-]*[a-z])(?=[A-Za-z0-9+_-]*[A-Z])[A-Za-z0-9+_-]{12,}/;

t.test('fixed cases', async (t) => {
  t.ok(hasBase64Run('q=dW5pb24gc2VsZWN0'), 'base64 of text in a value');
  t.notOk(hasBase64Run('id=550e8400-e29b-41d4-a716-446655440000'), 'a uuid has one case');
  t.notOk(hasBase64Run('abcDEF12345'), 'eleven characters');
  t.ok(hasBase64Run('abcDEF123456'), 'twelve');
  t.notOk(hasBase64Run('abcdef/GHIJKL'), 'a slash ends a run');
  t.notOk(hasBase64Run(''), 'empty');
});

t.test('the same answer as the rule on random strings', async (t) => {
  const alphabet = 'aZ09+_-/.=& %';
  const next = prng(42);
  let mismatches = 0;
  for (let k = 0; k < 20_000; k++) {
    let s = 'abcdefABCDEF123'.slice(0, Math.floor(next() * 16));
    const n = Math.floor(next() * 30);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
    if (RULE.test(s) !== hasBase64Run(s)) mismatches++;
  }
  t.equal(mismatches, 0);
});
