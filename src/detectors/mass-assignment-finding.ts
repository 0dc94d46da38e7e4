// Turns what the mass-assignment detector saw in a body (its signals) into a score and a Finding:
// the signals combine as a noisy-or (each one alone can carry the finding, several raise it), each
// becomes an explanation factor against what the endpoint learned, and the weighing facts (how many
// identities already send the field, how complete the learned schema is, what peers sent) follow.
// Field names appear (never values): they are names the body used, with data-like keys already `*`.
import type { EndpointRef, EvidenceItem, ExplanationFactor, Finding } from '../core/finding';
import type { EndpointSchema } from './mass-assignment-schema';

export type SignalKind = 'privileged-field' | 'new-field' | 'type-change';

export interface Signal {
  kind: SignalKind;
  field: string;
  /** 0–1, already weighed. */
  strength: number;
  /** Distinct identities that sent the field so far (this one included). */
  senders: number;
  /** The field's name looks privileged (mass-assignment-names.ts). */
  privileged: boolean;
  /** For type-change: the type it always carried, in how many bodies and the share, and the new one. */
  fromType?: string;
  toType?: string;
  typeSamples?: number;
  typeShare?: number;
  /** What the field was judged against when it is not the endpoint itself (`POST /orders` for a PUT on one order). */
  reference?: string;
}

export interface FindingInput {
  ts: number;
  score: number;
  identity: string | null;
  client: string;
  endpoint: EndpointRef;
  /** The schema the fields were judged against. */
  schema: EndpointSchema;
  signals: readonly Signal[];
  evidence: readonly EvidenceItem[];
  /** For a finding raised after peers confirmed: their bodies without the field, and the confirmation bound. */
  peers?: { without: number; needed: number };
  adoptMinIdentities: number;
  maxUnseenShare: number;
}

/** Noisy-or of the signals' strengths. */
export function combinedScore(signals: readonly Signal[]): number {
  let miss = 1;
  for (const s of signals) miss *= 1 - s.strength;
  return 1 - miss;
}

/** How much a novel field still matters when others send it too: 1 for one sender, ½ for three. */
export function senderWeight(senders: number): number {
  return 1 / (1 + 0.5 * Math.max(0, senders - 1));
}

const WHAT: Record<SignalKind, string> = {
  'privileged-field': 'privilegedFieldNeverReceived',
  'new-field': 'fieldNeverReceived',
  'type-change': 'fieldTypeChanged',
};

export function massAssignmentFinding(input: FindingInput): Finding {
  const { schema, signals } = input;
  const learnedFields = schema.fields.size - schema.novel.length;
  const learnedFrom = `${learnedFields} fields learned from ${schema.bodies} bodies`;
  const total = signals.reduce((sum, s) => sum + s.strength, 0) || 1;
  // the signals explain most of the score; the weighing facts share the rest
  const signalShare = 0.8;
  const factors: ExplanationFactor[] = signals.slice(0, 4).map((s) => ({
    name: WHAT[s.kind],
    value: s.kind === 'type-change' ? `${s.field}: ${s.toType ?? '?'}` : s.field,
    baseline:
      s.kind === 'type-change'
        ? `${s.fromType ?? '?'} in ${Math.round((s.typeShare ?? 1) * 100)}% of ${s.typeSamples ?? 0} bodies`
        : s.reference !== undefined
          ? `not among the fields of ${s.reference}`
          : `not among ${learnedFrom}`,
    contribution: round((signalShare * s.strength) / total),
  }));
  const novel = signals.filter((s) => s.kind !== 'type-change');
  const weighing: ExplanationFactor[] = [];
  const senders = novel.length > 0 ? Math.max(...novel.map((s) => s.senders)) : 0;
  weighing.push(
    novel.length > 0
      ? { name: 'identitiesSendingField', value: senders, baseline: input.adoptMinIdentities }
      : { name: 'bodiesLearned', value: schema.bodies, baseline: learnedFrom },
  );
  if (input.peers !== undefined) weighing.push({ name: 'peerBodiesWithoutField', value: input.peers.without, baseline: input.peers.needed });
  weighing.push({ name: 'schemaUnseenShare', value: round(schema.unseenMass()), baseline: input.maxUnseenShare });
  for (const f of weighing) factors.push({ ...f, contribution: round((1 - signalShare) / weighing.length) });

  const who = input.identity ?? input.client;
  const ep = input.endpoint;
  const names = (kind: SignalKind): string => [...new Set(signals.filter((s) => s.kind === kind).map((s) => s.field))].join(', ');
  const parts: string[] = [];
  if (names('privileged-field') !== '') parts.push(`privileged-looking field(s) ${names('privileged-field')} the endpoint never received`);
  if (names('new-field') !== '') parts.push(`field(s) ${names('new-field')} no other client sends`);
  if (names('type-change') !== '') parts.push(`field(s) ${names('type-change')} with a value type they never carried`);
  const privileged = signals.some((s) => s.privileged);
  return {
    detector: 'mass-assignment',
    ts: input.ts,
    score: round(input.score),
    ...(input.identity !== null ? { identity: input.identity } : {}),
    client: input.client,
    endpoint: { host: ep.host, method: ep.method, template: ep.template },
    explanation: {
      summary: `${who} sent ${ep.method} ${ep.host}${ep.template} a body with ${parts.join('; ')} (${learnedFrom}).`,
      factors,
    },
    evidence: input.evidence,
    // tampering with rights or money is stopped at the client; a lone odd field is watched
    suggested: { action: privileged && input.score >= 0.75 ? 'block' : 'observe' },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
