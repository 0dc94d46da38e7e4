// The string hashes in core: plain FNV-1a (the detectors' counts) against the published test vectors,
// and the sketches' hash as that finished with fmix32, for a whole string or a range of one.
import t from 'tap';
import { fmix32, fnv1a, hashRange, hashString } from '../../../src/core/hashing';

t.test('fnv1a is 32-bit FNV-1a', async (t) => {
  t.equal(fnv1a(''), 0x811c9dc5, 'the offset basis');
  t.equal(fnv1a('a'), 0xe40c292c);
  t.equal(fnv1a('foobar'), 0xbf9cf968);
});

t.test('hashString and hashRange finish it with fmix32', async (t) => {
  t.equal(hashString('foobar'), fmix32(fnv1a('foobar')));
  t.equal(hashRange('/api/foobar/x', 5, 11), hashString('foobar'), 'a range hashes as the substring');
});
