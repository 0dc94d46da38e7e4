// Injection and traversal (issue 13, detector 6): SQL, XSS, command, path traversal, SSRF-style URLs,
// template and NoSQL operator injection in the query string, path segments and request bodies,
// after URL/double-URL/unicode/HTML/base64 decoding (injection-params.ts → injection-match.ts).
// A payload needs no baseline to fire; what the endpoint's parameter normally carries does lower a
// rule's weight (injection-normal.ts: a CMS field full of HTML, a query-builder field of SQL). One
// finding per actor (identity, else client IP) per cooldown; the finding names the class, the
// parameter and its location, never the payload (injection-finding.ts).
import { z } from 'zod';
import type { TransactionConsumer } from '../http/consumer';
import type { DetectorContext, DetectorEntry } from './index';
import { DETECTOR, injectionFinding, type Verdict } from './injection-finding';
import type { ClassMatch } from './injection-match';
import { fnv1a } from '../core/hashing';
import { normalKey, ParamNormal } from './injection-normal';
import { scanBody, scanPairs, scanPath, type ParamHit, type ScanLimits, type ScanStats } from './injection-params';
import { classScore } from './injection-rules';

const unit = z.number().min(0).max(1);

const schema = z
  .object({
    enabled: z.boolean().default(true).describe('Look for injection and traversal payloads in parameters and bodies.'),
    minScore: unit.default(0.6).describe('Lowest class score (0–1, after the learned-normal discount) that raises a finding; analysts\' false-positive verdicts multiply it.'),
    blockScore: unit.default(0.9).describe('Score from which the finding suggests blocking the client instead of observing it.'),
    cooldownSec: z.number().min(0).default(600).describe('Packet-time seconds after a finding during which the same actor (identity, else client IP) raises no other; its payloads are counted for the next one.'),
    maxActors: z.number().int().min(1).default(10_000).describe('Actors remembered for the cooldown; past it the oldest is forgotten (detectors.injection.actors_overflow).'),
    readBodies: z.boolean().default(true).describe('Read request bodies (JSON, form, text) of methods that carry one.'),
    maxBodyBytes: z.number().int().min(0).default(65_536).describe('Larger request bodies are not read (detectors.injection.body_too_large).'),
    maxValues: z.number().int().min(1).default(256).describe('Parameter values read per request (query, path segments, body fields); the rest are skipped (detectors.injection.values_truncated).'),
    maxValueChars: z.number().int().min(16).default(4096).describe('Characters read of one value.'),
    maxDepth: z.number().int().min(1).default(8).describe('JSON nesting followed in a body.'),
    normalDiscount: unit.default(0.5).describe('Weight kept by a rule that is normal for a parameter (learned from many identities).'),
    normalMinHits: z.number().int().min(1).default(20).describe('Requests matching a rule on a parameter before it can be that parameter\'s normal.'),
    normalMinIdentities: z.number().int().min(1).default(5).describe('Distinct identities that must have sent such values before the rule is normal for the parameter.'),
    normalMinShare: unit.default(0.01).describe('Share of the endpoint\'s requests whose parameter matched the rule before it is normal.'),
    maxNormalEntries: z.number().int().min(1).default(20_000).describe('(endpoint, parameter, rule) entries learned; past it new ones are not learned (detectors.injection.normal_overflow).'),
  })
  .strict();
type Options = z.infer<typeof schema>;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A query or path with nothing but these characters (and no `..` or base64-looking run) has no payload. */
const PLAIN_QUERY = /^[A-Za-z0-9_.,+~@=&-]*$/;
const PLAIN_PATH = /^[A-Za-z0-9_.,~@/-]*$/;
/** A run that may be base64 of text is this long, with both cases (uuids and slugs are not). */
const BASE64_MIN_RUN = 12;

/**
 * Whether `text` has a run of base64 characters ([A-Za-z0-9+_-]) at least BASE64_MIN_RUN long with a
 * lower- and an upper-case letter: one pass (a regex with lookaheads rescans the run from each start).
 */
export function hasBase64Run(text: string): boolean {
  let run = 0;
  let lower = false;
  let upper = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    const isLower = c >= 0x61 && c <= 0x7a;
    const isUpper = c >= 0x41 && c <= 0x5a;
    if (isLower || isUpper || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x5f || c === 0x2d) {
      run++;
      lower ||= isLower;
      upper ||= isUpper;
      continue;
    }
    if (run >= BASE64_MIN_RUN && lower && upper) return true;
    run = 0;
    lower = false;
    upper = false;
  }
  return false;
}

interface ActorState {
  last: number;
  /** Payloads over the threshold since the last finding (this one excluded). */
  since: number;
}

function plain(text: string, shape: RegExp): boolean {
  return shape.test(text) && !text.includes('..') && !hasBase64Run(text);
}

function create(options: Options, { report, counters, features, feedback }: DetectorContext): TransactionConsumer {
  const limits: ScanLimits = { maxValues: options.maxValues, maxValueChars: options.maxValueChars, maxDepth: options.maxDepth };
  const normal = new ParamNormal({ maxEntries: options.maxNormalEntries, minHits: options.normalMinHits, minIdentities: options.normalMinIdentities, minShare: options.normalMinShare });
  const actors = new Map<string, ActorState>();
  const hits: ParamHit[] = [];
  const stats: ScanStats = { values: 0, truncated: false };
  let lastPrune = -Infinity;

  /** The class score of a match with each rule's weight lowered where it is the parameter's normal. */
  function judge(hit: ParamHit, cm: ClassMatch, endpoint: string | null, endpointRequests: number): Verdict {
    let discounted = false;
    let topUse = { hits: 0, identities: 0, share: 0 };
    let topWeight = -1;
    const weights = cm.hits.map((h) => {
      if (endpoint === null) return h.rule.weight;
      const use = normal.use(normalKey(endpoint, hit.location, hit.name, h.rule.id), endpointRequests);
      if (h.rule.weight > topWeight) {
        topWeight = h.rule.weight;
        topUse = use;
      }
      if (!normal.isNormal(use)) return h.rule.weight;
      discounted = true;
      return h.rule.weight * options.normalDiscount;
    });
    return { hit, cm, raw: cm.score, score: classScore(weights), use: topUse, discounted };
  }

  function learn(endpoint: string, identity: number): void {
    for (const hit of hits)
      for (const cm of hit.match.classes)
        for (const h of cm.hits)
          if (!normal.observe(normalKey(endpoint, hit.location, hit.name, h.rule.id), identity)) counters.inc('detectors.injection.normal_overflow');
  }

  function remember(actor: string): ActorState {
    let state = actors.get(actor);
    if (state === undefined) {
      if (actors.size >= options.maxActors) {
        const oldest = actors.keys().next().value;
        if (oldest !== undefined) actors.delete(oldest);
        counters.inc('detectors.injection.actors_overflow');
      }
      state = { last: -Infinity, since: 0 };
      actors.set(actor, state);
    }
    return state;
  }

  return {
    name: DETECTOR,
    onTransaction(tx, ctx) {
      if (!options.enabled || features === null) return;
      hits.length = 0;
      stats.values = 0;
      stats.truncated = false;
      if (tx.path !== null && !plain(tx.path, PLAIN_PATH)) scanPath(tx.path, limits, hits, stats);
      if (tx.query !== null && tx.query !== '' && !plain(tx.query, PLAIN_QUERY)) scanPairs(tx.query, 'query', limits, hits, stats);
      if (options.readBodies && tx.reqBodyLen > 0 && tx.method !== null && BODY_METHODS.has(tx.method)) {
        if (tx.reqBodyLen > options.maxBodyBytes) counters.inc('detectors.injection.body_too_large');
        else {
          const body = tx.reqBody;
          if (body !== null && body.byteLength > 0) scanBody(tx.reqContentType, body, limits, hits, stats, tx);
        }
      }
      if (stats.truncated) counters.inc('detectors.injection.values_truncated');
      if (hits.length === 0) return;
      counters.inc('detectors.injection.matched_requests');

      // who sends it: the identity, unless it is only the name a login attempt carries (an attacker
      // posting payloads as login names would be a new identity each time): then the client IP
      const ip = `ip:${ctx.clientIp ?? tx.clientIp}`;
      const actor = ctx.identity !== null && ctx.identity !== ctx.loginUser ? ctx.identity : ip;
      const ref = ctx.endpoint;
      const endpoint = ref === null ? null : `${ref.method} ${ref.host}${ref.template}`;
      const endpointRequests = features.current.endpoint?.requests ?? 0;
      let best: Verdict | null = null;
      // every class that fired in the request, with its best score: the finding names them all
      const classes = new Map<string, number>();
      for (const hit of hits) {
        for (const cm of hit.match.classes) {
          const v = judge(hit, cm, endpoint, endpointRequests);
          if (best === null || v.score > best.score) best = v;
          classes.set(cm.cls, Math.max(classes.get(cm.cls) ?? 0, v.score));
        }
      }
      if (endpoint !== null) learn(endpoint, fnv1a(actor));
      if (best === null) return;
      const threshold = options.minScore * feedback.factor(DETECTOR, ctx.identity, ref);
      if (best.score < threshold) {
        counters.inc('detectors.injection.below_threshold');
        return;
      }
      // one cooldown for the actor and its address: an identity and the IP it sends from are one source
      const state = remember(actor);
      const byIp = actor === ip ? state : remember(ip);
      if (tx.ts - state.last < options.cooldownSec || tx.ts - byIp.last < options.cooldownSec) {
        state.since++;
        counters.inc('detectors.injection.cooldown_suppressed');
        return;
      }
      const payloads = Math.max(state.since, byIp.since) + 1;
      for (const [key, s] of actor === ip ? [[actor, state] as const] : [[actor, state] as const, [ip, byIp] as const]) {
        s.last = tx.ts;
        s.since = 0;
        // most recently reported last: the oldest entry is the one to forget first
        actors.delete(key);
        actors.set(key, s);
      }
      classes.delete(best.cm.cls);
      const others = [...classes].map(([cls, score]) => `${cls}:${score.toFixed(2)}`);
      report(injectionFinding({ tx, ctx, verdict: best, otherClasses: others, threshold, minShare: options.normalMinShare, payloads, blockScore: options.blockScore }));
      counters.inc('detectors.injection.findings');
    },
    onTick(now) {
      if (now - lastPrune < options.cooldownSec) return;
      lastPrune = now;
      for (const [actor, state] of actors) if (now - state.last >= options.cooldownSec) actors.delete(actor);
    },
  };
}

export const injection: DetectorEntry<Options> = {
  key: 'injection',
  description: 'SQL, XSS, command, template and NoSQL injection, path traversal and SSRF-style URLs in query, path and body values, after decoding.',
  schema,
  create,
};
