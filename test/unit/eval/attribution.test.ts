// Identity attribution from per-actor tallies, numbers worked out by hand.
import t from 'tap';
import { attributeIdentities } from '../../../src/eval/attribution';

const tally = (actor: string, matched: number, ids: [string, number][]) => ({ actor, matched, identities: new Map(ids) });

t.test('consistent: own identity, owned by no other actor', async (t) => {
  const tallies = [
    tally('alice', 10, [
      ['user:alice', 9],
      ['ip:10.0.0.1', 1],
    ]), // main user:alice (ip: fallbacks never count): 9 consistent
    tally('svc', 5, [['key:abcd', 5]]), // 5
    tally('bob', 4, [['key:shared', 4]]), // shares key:shared with carol: 0
    tally('carol', 5, [
      ['key:shared', 3],
      ['user:carol', 2],
    ]), // main key:shared (3 > 2), shared: 0
    tally('dave', 0, []), // never seen: 0
  ];
  const { result, byActor } = attributeIdentities(tallies, 30, true);
  // 9 + 5 = 14 of the 30 labelled credentialed requests; 10+5+4+5+0 = 24 found in the traffic
  t.same(result, { available: true, credentialedRequests: 30, matchedRequests: 24, consistentRequests: 14, share: 0.4667, actors: 5, sharedIdentities: 1 });
  t.equal(byActor.get('alice'), 'user:alice');
  t.equal(byActor.get('carol'), 'key:shared');
  t.notOk(byActor.has('dave'));
});

t.test('ties go to the smaller name; ip-only actors have no identity', async (t) => {
  const { byActor, result } = attributeIdentities(
    [
      tally('x', 4, [
        ['key:b', 2],
        ['key:a', 2],
      ]),
      tally('y', 3, [['ip:10.0.0.9', 3]]),
    ],
    7,
    true,
  );
  t.equal(byActor.get('x'), 'key:a');
  t.notOk(byActor.has('y'));
  t.equal(result.consistentRequests, 2);
  t.equal(result.share, 0.2857, '2 of 7');
});

t.test('no identity stage: not available, not 0%', async (t) => {
  const { result } = attributeIdentities([tally('alice', 10, [])], 10, false);
  t.equal(result.available, false);
  t.equal(result.share, null);
  t.equal(result.consistentRequests, 0);
  t.equal(result.matchedRequests, 10);
});
