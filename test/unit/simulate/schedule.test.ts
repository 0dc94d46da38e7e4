// The planned week: a seed always gives the same schedule, and an attack's parameters change what
// is generated (source count, intensity, stealth), with every request of an attack carrying its id.
import t from 'tap';
import { ATTACK_TYPES, type AttackType } from '../../../src/core/scenario-labels';
import { buildSchedule, type Schedule } from '../../../src/simulate/plan/schedule';
import { parseAttackSpec, AttackSpecError } from '../../../src/simulate/plan/attacks/params';
import type { AttackRequest } from '../../../src/simulate/plan/attacks';
import { DEFAULT_START } from '../../../src/simulate/clock';

function plan(seed: number, attacks: AttackRequest[], days = 2, users = 15): Schedule {
  return buildSchedule({ seed, days, users, rate: 1, startUs: DEFAULT_START, attacks });
}

const attack = (spec: string): AttackRequest => parseAttackSpec(spec);

function attackVisits(s: Schedule, type: AttackType) {
  const id = s.attacks.find((a) => a.type === type)?.id;
  return s.visits.filter((v) => v.label === id);
}

function decode(x: string): string {
  try {
    return decodeURIComponent(x);
  } catch {
    return x; // a payload with its own stray %
  }
}

t.test('the same seed gives the same schedule; another seed another one', async (t) => {
  const attacks = ATTACK_TYPES.map((type) => attack(`${type}:intensity=low`));
  const a = JSON.stringify(plan(5, attacks).visits);
  const b = JSON.stringify(plan(5, attacks).visits);
  t.equal(a, b);
  t.not(JSON.stringify(plan(6, attacks).visits), a);
});

t.test('every attack type is planned, each of its requests labelled with its id', async (t) => {
  const s = plan(3, ATTACK_TYPES.map((type) => attack(`${type}:intensity=low`)));
  t.same(s.attacks.map((a) => a.type).sort(), [...ATTACK_TYPES].sort());
  for (const a of s.attacks) {
    const visits = s.visits.filter((v) => v.label === a.id);
    t.ok(visits.length > 0, `${a.type} has visits`);
    t.ok(visits.every((v) => a.actors.includes(v.actor)), `${a.type}: its visits' actors are the attack's actors`);
  }
  const benign = s.visits.filter((v) => v.label === 'benign');
  for (const client of ['fetch', 'node-http', 'curl', 'python-urllib']) t.ok(benign.some((v) => v.device.client === client), `benign traffic from ${client}`);
});

t.test('sources: the number of source addresses asked for', async (t) => {
  for (const type of ['credential-stuffing', 'enumeration', 'injection'] as const) {
    const one = new Set(attackVisits(plan(9, [attack(`${type}:sources=1`)]), type).map((v) => v.ip));
    const many = new Set(attackVisits(plan(9, [attack(`${type}:sources=12`)]), type).map((v) => v.ip));
    t.equal(one.size, 1, `${type}: one source`);
    t.equal(many.size, 12, `${type}: twelve sources`);
  }
});

t.test('intensity: more requests at high than at low', async (t) => {
  for (const type of ATTACK_TYPES) {
    const count = (intensity: string): number => attackVisits(plan(11, [attack(`${type}:intensity=${intensity}`)]), type).reduce((n, v) => n + v.requests.length, 0);
    t.ok(count('high') > count('low'), `${type}: high > low`);
  }
});

t.test('stealth: mimic sends browser or app user agents; slow spreads the same work over more time', async (t) => {
  const agents = (stealth: string) => attackVisits(plan(13, [attack(`scraping:stealth=${stealth}`)]), 'scraping').map((v) => v.userAgent);
  t.ok(agents('mimic').every((ua) => ua !== null && /^(Mozilla\/5\.0 \(|CarWorks\/)/.test(ua)), 'mimic: browser or app agents');
  t.ok(agents('none').every((ua) => ua === null || !ua.startsWith('Mozilla/5.0 (Windows')), 'none: the tool shows');
  const times = (spec: string): number[] => attackVisits(plan(13, [attack(spec)]), 'enumeration').flatMap((v) => v.requests.map((r) => r.at)).sort((a, b) => a - b);
  const span = (xs: number[]): number => (xs[xs.length - 1] ?? 0) - (xs[0] ?? 0);
  t.ok(span(times('enumeration:stealth=slow,intensity=low')) > 2 * span(times('enumeration:intensity=low')), 'slow takes longer');
});

t.test('day and hour place the attack', async (t) => {
  const s = plan(2, [attack('spike:day=1,hour=13')]);
  const first = Math.min(...attackVisits(s, 'spike').flatMap((v) => v.requests.map((r) => r.at)));
  const hours = (first - DEFAULT_START) / 3_600_000_000;
  t.ok(hours >= 24 + 12 && hours < 24 + 14, `starts on day 1 around 13:00 (${hours.toFixed(2)} h)`);
});

t.test('injection requests carry payloads; mass assignment adds fields the API never documents', async (t) => {
  const s = plan(17, [attack('injection:intensity=medium'), attack('mass-assignment:intensity=high')]);
  const sent = (type: AttackType): string[] => attackVisits(s, type).flatMap((v) => v.requests.map((r) => `${decode(decode(r.target.replace(/\+/g, ' ')))} ${r.body ?? ''}`));
  // what no benign client sends: script or template syntax, SQL keywords, traversal, shell
  // metacharacters, NoSQL operators, URLs of hosts other than the API
  const marks = /<\w|javascript:|'-|\{\{|\$\{|#\{|<%|\b(OR|AND)\s+\(?['"]?\w+['"]?\s*=|UNION SELECT|SLEEP\(|DROP TABLE|WAITFOR DELAY|CAST\(|admin'|\.\.[/\\%]|%2e%2e|[;|`]\s*\w|\$\(|&& \w|%0a\w|\[\$ne\]|"\$\w+"|:\/\/(?!api\.carworks\.example)/i;
  const injected = sent('injection');
  const payloads = injected.filter((x) => marks.test(x));
  t.ok(payloads.length >= 0.7 * injected.length, `${payloads.length} of ${injected.length} injection requests carry a payload`);
  const benign = s.visits.filter((v) => v.label === 'benign').flatMap((v) => v.requests.map((r) => `${decode(r.target)} ${r.body ?? ''}`));
  t.same(benign.filter((x) => marks.test(x)), [], 'and benign requests none');
  const tampered = sent('mass-assignment').filter((x) => /"(role|is_admin|isAdmin|status|price|available_credit|owner_id|authorid)":/.test(x));
  t.ok(tampered.length >= 25, `${tampered.length} mass-assignment requests add a privileged or undocumented field`);
});

t.test('attack specs: unknown types, keys and values are refused with a sentence', async (t) => {
  t.throws(() => parseAttackSpec('ddos'), /unknown attack type "ddos"/);
  t.ok((() => {
    try {
      parseAttackSpec('ddos');
    } catch (err) {
      return err instanceof AttackSpecError;
    }
    return false;
  })(), 'an AttackSpecError');
  t.throws(() => parseAttackSpec('spike:speed=3'), /unknown attack parameter "speed"/);
  t.throws(() => parseAttackSpec('spike:intensity=extreme'), /bad value "extreme" for intensity/);
  t.throws(() => parseAttackSpec('token-abuse:variant=nope'), /token-abuse knows: stolen-token, expired-token, key-misuse/);
  t.same(parseAttackSpec('brute-force:sources=3,stealth=slow'), { type: 'brute-force', given: { sources: '3', stealth: 'slow' } });
});
