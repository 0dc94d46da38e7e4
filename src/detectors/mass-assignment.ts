// Mass assignment / payload tampering (issue 13, detector 7): request body fields an endpoint never
// received, privileged-looking ones above all (`isAdmin`, `role`, `price`, `owner_id` ...), and a
// field whose value type changed (always a number, now an object). The features stage samples
// request bodies (its first reads per endpoint, then one in 25 growing to one in 4096), so a
// tampering attempt of a few requests would mostly go unread: this detector reads every POST/PUT/
// PATCH body with a JSON or form content type up to `maxBodyBytes` itself (one JSON parse of a small
// body; reads and skips are counted) and learns each endpoint's fields, senders and value types
// (mass-assignment-schema.ts). A novel field is weighed by how many distinct sources (identities, no
// more than their client IPs) sent it within a day: one that enough sources send, against the other
// clients' bodies without it, is a new API version and joins the schema. A privileged-looking novel
// field is reported at once; any other top-level one once `confirmBodies` bodies of other clients
// arrived without it. A PUT/PATCH on one object whose own schema is still learning is judged against
// the learned POST of its collection. The inventory's OpenAPI request schemas are not offered to
// detectors, so documented fields are learned from traffic like the rest.
import { z } from 'zod';
import type { EndpointRef } from '../core/finding';
import type { TransactionContext } from '../http/consumer';
import type { HttpTransaction } from '../http/types';
import { evidenceOf } from '../core/evidence';
import type { DetectorContext, DetectorEntry } from './index';
import { BodyFields, T_NULL, T_UNTYPED, TYPE_NAMES, type BodyKind } from './mass-assignment-fields';
import { combinedScore, massAssignmentFinding, senderWeight, type Signal } from './mass-assignment-finding';
import { isPrivilegedName } from './mass-assignment-names';
import { fnv1a } from '../core/hashing';
import { addDistinct, FieldStats, SchemaStore, type EndpointSchema, type NovelState, type Sender } from './mass-assignment-schema';
import { CooldownTable } from './mass-assignment-cooldown';

const NAME = 'mass-assignment';
const int = (min: number) => z.number().int().min(min);
const unit = z.number().min(0).max(1);

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Judge request body fields against what each endpoint learned.'),
    maxBodyBytes: int(1).default(16 * 1024).describe('Longest request body (as sent) read for its fields; longer ones are counted (detectors.mass-assignment.bodies_too_large), not read.'),
    minBodies: int(1).default(10).describe('Bodies an endpoint must receive (with minIdentities senders) before a field it never received is judged; fields met until then are its schema.'),
    minIdentities: int(1).default(5).describe('Distinct identities, from as many client IPs, whose bodies an endpoint must receive before it is judged.'),
    learnPrivilegedSources: int(1)
      .default(2)
      .describe('Distinct sources (identities, and client IPs) a privileged-looking field needs while its endpoint learns to become part of its schema: one attacker active then does not teach it.'),
    adoptMinIdentities: int(1)
      .default(3)
      .describe('Distinct sources (identities, no more than their client IPs) sending a new field within adoptWindowSec that make it part of the API, as after a deploy (with adoptMinShare).'),
    adoptWindowSec: z
      .number()
      .min(1)
      .default(24 * 3600)
      .describe('Packet-time seconds within which the sources of a new field count as sending it together (adoption, and how much each finding weighs); attackers days apart each count as the only one.'),
    adoptMinShare: unit
      .default(0.25)
      .describe("Share the new field's sources must make of themselves plus the other clients' bodies without it since it appeared, for it to join the schema."),
    confirmBodies: int(1).default(10).describe('Bodies from other identities without a new, not privileged-looking field that confirm nobody else sends it (then its senders are reported).'),
    pendingSec: z
      .number()
      .min(0)
      .default(3600)
      .describe('Packet-time seconds a sender of such a field waits for that confirmation; a verdict later than this is dropped (detectors.mass-assignment.pending_expired): too late to act on, and the endpoint too quiet to tell a lone field from a slow rollout.'),
    minTypeSamples: int(1).default(20).describe('Typed values a field must have carried before a change of its value type is judged.'),
    typeDominance: unit.default(0.98).describe('Share of those values that must have had one type for another type to count as a change.'),
    maxUnseenShare: unit
      .default(0.1)
      .describe("Good-Turing share of bodies expected to carry a field never seen (fields seen once / bodies) above which the endpoint's schema is too incomplete to judge a new field by its absence."),
    privilegedWeight: unit.default(0.85).describe('Score of one privileged-looking field the endpoint never received, from its first sender.'),
    newFieldWeight: unit.default(0.6).describe('Score of one other new top-level field, confirmed by peers, from its first sender.'),
    typeChangeWeight: unit.default(0.6).describe('Score of one value type change (halfway to 1 for a privileged-looking field).'),
    minScore: unit.default(0.5).describe("Lowest score reported; analysts' false-positive verdicts multiply it."),
    cooldownSec: z.number().min(0).default(600).describe('Packet-time seconds after a finding for an identity and its client IP before the next one for either.'),
    maxEndpoints: int(1).default(2000).describe('Endpoints whose body schema is learned; beyond, the least recently written is forgotten (detectors.mass-assignment.endpoints_evicted).'),
    maxFieldsPerEndpoint: int(1).default(128).describe('Fields remembered per endpoint; more are judged but not remembered (detectors.mass-assignment.fields_overflow).'),
    maxNovelFieldsPerEndpoint: int(1).default(16).describe('New fields per endpoint followed until adopted or confirmed; more are judged but not followed (detectors.mass-assignment.novel_overflow).'),
    maxSendersPerField: int(1)
      .default(8)
      .describe('Distinct identities and client IPs followed per new field (the stalest outside adoptWindowSec gives way); a new field this many sources send is part of the API.'),
    maxFieldsPerBody: int(1).default(64).describe('Fields read from one body; more are counted (detectors.mass-assignment.body_fields_truncated), not read.'),
    maxActors: int(1).default(10000).describe('Identities and client IPs remembered for the cooldown; beyond, the oldest is forgotten (detectors.mass-assignment.actors_overflow).'),
  })
  .strict();
export type MassAssignmentOptions = z.infer<typeof schema>;

function create(o: MassAssignmentOptions, { report, counters, features, feedback }: DetectorContext) {
  const store = new SchemaStore(o.maxEndpoints, counters);
  const reader = new BodyFields(o.maxFieldsPerBody);
  const cooldown = new CooldownTable(o.maxActors, o.cooldownSec, counters);
  const signals: Signal[] = [];
  /** The schema the body's signals were judged against (a sibling's while the endpoint learns). */
  let judgedAgainst: EndpointSchema | null = null;
  const count = (what: string): void => counters.inc(`detectors.${NAME}.${what}`);

  /** The learned POST of a PUT/PATCH's collection (`PUT /orders/{id}` → `POST /orders`), or null. */
  const siblingOf = (ref: EndpointRef): EndpointSchema | null => {
    if ((ref.method !== 'PUT' && ref.method !== 'PATCH') || !ref.template.endsWith('}')) return null;
    const cut = ref.template.lastIndexOf('/');
    if (cut <= 0 || ref.template[cut + 1] !== '{') return null;
    const s = store.peek(`POST ${ref.host}${ref.template.slice(0, cut)}`);
    return s !== undefined && s.learned ? s : null;
  };

  /** Strength of a novel field's signal: its weight, fewer for each identity already sending it and for an incomplete schema. */
  const novelSignal = (name: string, privileged: boolean, senders: number, s: EndpointSchema, reference?: string): Signal => {
    const complete = Math.max(0, 1 - s.unseenMass() / Math.max(1e-9, o.maxUnseenShare));
    const strength = privileged ? o.privilegedWeight * senderWeight(senders) * (0.5 + 0.5 * complete) : o.newFieldWeight * senderWeight(senders) * complete;
    return { kind: privileged ? 'privileged-field' : 'new-field', field: name, strength, senders, privileged, ...(reference !== undefined ? { reference } : {}) };
  };

  const threshold = (identity: string | null, endpoint: EndpointRef): number => o.minScore * feedback.factor(NAME, identity, endpoint);

  /**
   * Every field of a body. While the endpoint learns, its fields become its schema, except a
   * privileged-looking one, which needs `learnPrivilegedSources` distinct sources first (one attacker
   * active while an endpoint learns does not teach it `role`) and is judged against the learned POST
   * of the collection for a PUT/PATCH on one object. Once learned: type changes of learned fields;
   * novel top-level (or privileged-looking nested) fields are followed and judged.
   */
  const observe = (tx: HttpTransaction, ctx: TransactionContext, s: EndpointSchema, idHash: number, ipHash: number, seq: number, sibling: EndpointSchema | null): void => {
    const learning = !s.learned;
    for (let i = 0; i < reader.count; i++) {
      const name = reader.names[i] as string;
      const type = reader.types[i] as number;
      const depth = reader.depths[i] as number;
      let f = s.fields.get(name);
      if (f === undefined) {
        const privileged = isPrivilegedName(name);
        // nested fields hold maps and optional details: only privileged-looking ones are judged
        const novel = privileged || (!learning && depth === 0);
        if (s.fields.size >= o.maxFieldsPerEndpoint || (novel && s.novel.length >= o.maxNovelFieldsPerEndpoint)) {
          count(s.fields.size >= o.maxFieldsPerEndpoint ? 'fields_overflow' : 'novel_overflow');
          // judged all the same, as from its first sender
          if (privileged && !learning) signals.push(novelSignal(name, true, 1, s));
          continue;
        }
        f = new FieldStats(name, novel, privileged, depth);
        s.fields.set(name, f);
        if (novel) s.novel.push(f);
      }
      const n = f.novel;
      if (n === null) {
        if (!learning && type !== T_UNTYPED && type !== T_NULL) {
          const was = f.dominantType(o.minTypeSamples, o.typeDominance);
          if (was >= 0 && was !== type) signals.push(typeSignal(f, was, type));
        }
        s.countLearned(f);
        f.noteType(type);
        continue;
      }
      f.count++;
      f.noteType(type);
      n.lastBody = seq;
      n.ips.note(ipHash, tx.ts, o.maxSendersPerField, o.adoptWindowSec);
      if (n.ids.note(idHash, tx.ts, o.maxSendersPerField, o.adoptWindowSec) && n.senders.length < o.maxSendersPerField) {
        n.senders.push({ idHash, identity: ctx.identity, client: ctx.clientIp ?? tx.clientIp, ts: tx.ts, evidence: evidenceOf(tx, ctx, `sent field ${name}`), reported: false });
      }
      const sources = n.sources(tx.ts, o.adoptWindowSec);
      const adopted = learning
        ? sources >= o.learnPrivilegedSources
        : sources >= o.maxSendersPerField || (sources >= o.adoptMinIdentities && sources >= o.adoptMinShare * (sources + n.othersWithout));
      if (adopted) {
        s.adopt(f);
        count(learning ? 'fields_learned_privileged' : 'fields_adopted');
      } else if (learning) {
        if (sibling !== null && !sibling.knows(name)) {
          signals.push(novelSignal(name, true, sources, sibling, `${sibling.endpoint.method} ${sibling.endpoint.template}`));
          judgedAgainst = sibling;
        }
      } else if (f.privileged || (n.confirmed && depth === 0)) signals.push(novelSignal(name, f.privileged, sources, s));
    }
  };

  const typeSignal = (f: FieldStats, was: number, now: number): Signal => {
    const { name, privileged } = f;
    let samples = 0;
    for (let t = 1; t < T_UNTYPED; t++) samples += f.types[t] as number;
    const strength = privileged ? o.typeChangeWeight + (1 - o.typeChangeWeight) / 2 : o.typeChangeWeight;
    return { kind: 'type-change', field: name, strength, senders: 0, privileged, fromType: TYPE_NAMES[was], toType: TYPE_NAMES[now], typeSamples: samples, typeShare: (f.types[was] as number) / Math.max(1, samples) };
  };

  /** Novel fields this body did not carry: the adoption share falls, peers without it confirm a lone sender. */
  const followNovel = (s: EndpointSchema, idHash: number, ipHash: number, seq: number, ts: number): void => {
    for (const f of s.novel) {
      const n = f.novel;
      if (n === null || n.lastBody === seq || n.sentBy(idHash, ipHash)) continue;
      n.othersWithout++;
      if (f.privileged || n.confirmed || f.depth > 0 || n.othersWithout < o.confirmBodies) continue;
      n.confirmed = true;
      count('fields_confirmed');
      for (const sender of n.senders) reportLate(s, f, n, sender, ts);
    }
  };

  const reportLate = (s: EndpointSchema, f: FieldStats, n: NovelState, sender: Sender, ts: number): void => {
    if (sender.reported) return;
    sender.reported = true;
    if (ts - sender.ts > o.pendingSec) return count('pending_expired');
    const signal = novelSignal(f.name, false, Math.max(1, n.sources(ts, o.adoptWindowSec)), s);
    if (signal.strength < threshold(sender.identity, s.endpoint) || !cooldown.take(sender.identity, sender.client, ts)) return;
    report(
      massAssignmentFinding({
        ts, score: signal.strength, identity: sender.identity, client: sender.client, endpoint: s.endpoint, schema: s, signals: [signal], evidence: [sender.evidence],
        peers: { without: n.othersWithout, needed: o.confirmBodies }, adoptMinIdentities: o.adoptMinIdentities, maxUnseenShare: o.maxUnseenShare,
      }),
    );
  };

  const reportNow = (tx: HttpTransaction, ctx: TransactionContext, s: EndpointSchema, against: EndpointSchema, client: string): boolean => {
    const score = combinedScore(signals);
    if (score < threshold(ctx.identity, s.endpoint) || !cooldown.take(ctx.identity, client, tx.ts)) return false;
    const note = signals.map((x) => (x.kind === 'type-change' ? `${x.field} as ${x.toType ?? '?'}` : x.field)).slice(0, 4).join(', ');
    report(
      massAssignmentFinding({
        ts: tx.ts, score, identity: ctx.identity, client: ctx.clientIp ?? tx.clientIp, endpoint: s.endpoint, schema: against, signals: [...signals],
        evidence: [evidenceOf(tx, ctx, `body fields: ${note}`)], adoptMinIdentities: o.adoptMinIdentities, maxUnseenShare: o.maxUnseenShare,
      }),
    );
    return true;
  };

  /** The body was reported: its novel fields need no later finding for this sender. */
  const markReported = (s: EndpointSchema, idHash: number, seq: number): void => {
    for (const f of s.novel) if (f.novel?.lastBody === seq) for (const sender of f.novel.senders) if (sender.idHash === idHash) sender.reported = true;
  };

  return {
    name: NAME,
    onTransaction(tx: HttpTransaction, ctx: TransactionContext): void {
      if (features === null || !o.enabled) return;
      const m = tx.method;
      if ((m !== 'POST' && m !== 'PUT' && m !== 'PATCH') || tx.reqBodyLen === 0) return;
      const ref = ctx.endpoint;
      const ct = tx.reqContentType;
      if (ref === null || ct === null) return;
      const kind: BodyKind | null = ct.includes('json') ? 'json' : ct.includes('x-www-form-urlencoded') ? 'form' : null;
      if (kind === null) return;
      if (tx.reqBodyLen > o.maxBodyBytes) return count('bodies_too_large');
      const body = tx.reqBody;
      if (body === null) return;
      count('bodies_read');
      if (!reader.read(body, kind, tx)) return count('bodies_unreadable');
      if (reader.truncated) count('body_fields_truncated');
      const key = features.current.endpoint?.key ?? `${ref.method} ${ref.host}${ref.template}`;
      const s = store.touch(key, ref);
      const actor = ctx.identity ?? `ip:${ctx.clientIp ?? tx.clientIp}`;
      const client = ctx.clientIp ?? tx.clientIp;
      const idHash = fnv1a(actor);
      const ipHash = fnv1a(client);
      const seq = s.bodies;
      signals.length = 0;
      judgedAgainst = s;
      observe(tx, ctx, s, idHash, ipHash, seq, s.learned ? null : siblingOf(ref));
      if (s.learned) followNovel(s, idHash, ipHash, seq, tx.ts);
      s.bodies++;
      if (!s.learned) {
        addDistinct(s.learnerIds, idHash, o.minIdentities);
        addDistinct(s.learnerIps, ipHash, o.minIdentities);
        // as many distinct clients by identity and by IP: accounts churned from one address teach nothing
        if (s.bodies >= o.minBodies && Math.min(s.learnerIds.length, s.learnerIps.length) >= o.minIdentities) {
          s.learned = true;
          count('endpoints_learned');
        }
      }
      if (signals.length > 0 && reportNow(tx, ctx, s, judgedAgainst ?? s, client)) markReported(s, idHash, seq);
    },
    onTick(now: number): void {
      cooldown.prune(now);
    },
  };
}

export const massAssignment: DetectorEntry<MassAssignmentOptions> = {
  key: 'massAssignment',
  description: 'Mass assignment: request body fields an endpoint never received (privileged-looking names at once), or a field whose type changed.',
  schema,
  create,
};
