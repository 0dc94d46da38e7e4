// A session model stage on real parts (TF.js backend, counters, a state directory) fed with raw
// session vectors from a seeded generator of plausible API sessions: people browsing a few
// endpoints, and the odd sessions the model should notice (a bulk pull, an enumeration run).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Counters } from '../../../../src/core/counters';
import type { Finding } from '../../../../src/core/finding';
import { SESSION_FEATURES, SESSION_INDEX, normaliseVector, schemaFingerprint } from '../../../../src/features/feature-schema';
import type { SessionEnd } from '../../../../src/features/types';
import { initBackend, type BackendInfo } from '../../../../src/models/backend';
import type { ModelContext, SessionSchema } from '../../../../src/models/index';
import { sessionModelSchema, type SessionModelConfig } from '../../../../src/models/session/config';
import { SessionInputs } from '../../../../src/models/session/inputs';
import { SessionModelStage } from '../../../../src/models/session/stage';

export const DAY = 86_400;
export const T0 = 1_780_000_000;

export const SESSION_SCHEMA: SessionSchema = { features: SESSION_FEATURES, fingerprint: schemaFingerprint(SESSION_FEATURES), normalise: normaliseVector };
export const sessionInputs = (): SessionInputs => new SessionInputs(SESSION_FEATURES, normaliseVector);

/** Seeded uniform numbers (the same sessions every run). */
export class Gen {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Log-uniform between lo and hi. */
  logBetween(lo: number, hi: number): number {
    return Math.exp(this.between(Math.log(lo), Math.log(hi)));
  }
}

export interface SessionShape {
  requests: number;
  /** Records returned per request. */
  recordsPerRequest: number;
  thinkSec: number;
  templates: number;
  /** Share of requests answered 404. */
  notFound: number;
  unseenIds: number;
}

/** A raw session vector of that shape. */
export function vectorOf(shape: SessionShape, learning = false): Float32Array {
  const v = new Float32Array(SESSION_FEATURES.length);
  const set = (name: string, x: number): void => {
    v[SESSION_INDEX[name] as number] = x;
  };
  const duration = shape.thinkSec * Math.max(0, shape.requests - 1);
  set('duration_s', duration);
  set('requests', shape.requests);
  set('requests_per_min', shape.requests / Math.max(1, duration / 60));
  set('error_404_ratio', shape.notFound);
  set('templates', shape.templates);
  set('object_ids', Math.round(shape.requests * 0.4));
  set('unseen_id_ratio', shape.unseenIds);
  set('bytes', shape.requests * shape.recordsPerRequest * 400);
  set('records', shape.requests * shape.recordsPerRequest);
  set('think_time_s', shape.thinkSec);
  set('hour_of_week_activity', 1);
  set('identity_age_days', learning ? 1 : 30);
  set('learning', learning ? 1 : 0);
  return v;
}

/** A person using the app: tens of requests a few seconds apart over a handful of endpoints. */
export function normalShape(g: Gen): SessionShape {
  return {
    requests: Math.round(g.logBetween(5, 60)),
    recordsPerRequest: g.between(2, 12),
    thinkSec: g.logBetween(3, 40),
    templates: Math.round(g.between(2, 8)),
    notFound: g.next() < 0.2 ? g.between(0, 0.05) : 0,
    unseenIds: g.next() < 0.1 ? g.between(0, 0.05) : 0,
  };
}

/** A bulk pull: many fast requests for many records. `intensity` 0 looks normal, 1 is a full pull. */
export function bulkShape(g: Gen, intensity: number): SessionShape {
  const n = normalShape(g);
  const mix = (a: number, b: number): number => a * (1 - intensity) + b * intensity;
  return { ...n, requests: Math.round(mix(n.requests, 800)), recordsPerRequest: mix(n.recordsPerRequest, 100), thinkSec: mix(n.thinkSec, 0.3), templates: Math.round(mix(n.templates, 1)), unseenIds: mix(n.unseenIds, 0.6) };
}

export function session(identity: string, end: number, vector: Float32Array): SessionEnd {
  return { identity, session: `${identity}#${end}`, start: end - 60, end, vector };
}

/** `count` normal sessions of `identities` people, one every `spacingSec` from `start`. */
export function normalSessions(g: Gen, count: number, start: number, identities = 60, spacingSec = 60): SessionEnd[] {
  return Array.from({ length: count }, (_, i) => session(`user:u${Math.floor(g.next() * identities)}`, start + i * spacingSec, vectorOf(normalShape(g))));
}

export interface Verdicts {
  flagged: Set<string>;
  falsePositives: Map<string, number>;
}

export interface OpenedStage {
  stage: SessionModelStage;
  counters: Counters;
  findings: Finding[];
  verdicts: Verdicts;
  backend: BackendInfo;
}

/** Small and quick by default; `options` override. */
export const TEST_OPTIONS: Partial<SessionModelConfig> = { trainSteps: 300, minTrainingSessions: 300, heldBackSessions: 100, retrainIntervalSec: DAY, raiseAlerts: true };

export async function openSessionStage(options: Partial<SessionModelConfig> = {}, stateDir: string | null = null): Promise<OpenedStage> {
  const backend = await initBackend('auto');
  const counters = new Counters();
  const findings: Finding[] = [];
  const verdicts: Verdicts = { flagged: new Set(), falsePositives: new Map() };
  const context: ModelContext = {
    report: (f) => findings.push(f),
    counters,
    features: null,
    sessionSchema: SESSION_SCHEMA,
    backend,
    stateDir,
    flagged: () => verdicts.flagged,
    falsePositives: () => verdicts.falsePositives,
    log: pino({ level: 'silent' }),
  };
  const stage = new SessionModelStage(sessionModelSchema.parse({ ...TEST_OPTIONS, ...options }), context, context.log);
  return { stage, counters, findings, verdicts, backend };
}

export function tempStateDir(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'tapwatch-session-model-')), 'models', 'session');
}

/** Feeds sessions and ticks at each one's end (scores and trains like the pipeline). */
export function feed(stage: SessionModelStage, sessions: readonly SessionEnd[]): void {
  for (const s of sessions) {
    stage.enqueue(s);
    stage.onTick(s.end);
  }
}

/** Queues sessions without ticking (scored, and buffered, at the next tick or trainNow). */
export function add(stage: SessionModelStage, sessions: readonly SessionEnd[]): void {
  for (const s of sessions) stage.enqueue(s);
}

/** All weights of the active model, flattened. */
export function activeWeights(stage: SessionModelStage): number[] {
  const active = stage.active;
  if (active === null) return [];
  return active.model.getWeights().flatMap((w) => [...(w.dataSync() as Float32Array)]);
}
