// The alert policy (issue 5): turns Findings into Alerts on packet time. In order:
//   1. suppression: config rules and stored rules (analyst feedback), expiry on packet time;
//   2. dedupe: a finding with the same detector, identity, client and endpoint as an open alert,
//      less than `dedupeWindowSec` after that alert's last finding (a sliding window), folds into it:
//      count, first/last seen, max score, evidence (the first ones and the most recent);
//   3. per-identity rate bound on NEW alerts (folds never count against it), per minute of packet time;
//   4. a new alert with severity (score thresholds, sensitive-data raise, detector bounds), a
//      playbook recommendation and a ULID-like id from packet time.
// Delivery: a new alert is delivered once. Folds return `updated` with `deliver: false` (store the
// row, do not send it again) except when the count reaches one of `redeliverAtCounts` or the
// severity rises: then the update is delivered, so a flood shows up at 1, 10, 100, 1000 … findings
// instead of thousands of messages, and an escalation is never silent.
// Rate-limited findings fold into one `alerting.rate-exceeded` alert per identity (when
// `rateLimitSummary` is on), which follows the same dedupe and delivery rules, so what was held back
// is visible and counted instead of silently dropped.
// Every map that grows with traffic is bounded: open alerts (`maxOpenAlerts`, least recently updated
// evicted, `alerting.dedupe.evicted`) and rate windows (`maxRateTrackedIdentities`, `alerting.rate.evicted`).
import os from 'node:os';
import type { Counters } from '../core/counters';
import type { AlertingConfig } from './config';
import { AlertIdGenerator } from './ids';
import { baselineRateOf, recommend } from './playbook';
import { severityFor, severityRank } from './severity';
import { SuppressionMatcher, suppressionsFromConfig, type Suppression, type SuppressionProvider } from './suppression';
import type { Alert, EndpointRef, EvidenceItem, Explanation, Finding, Recommendation, Severity, SuggestedResponse } from './types';

export const RATE_EXCEEDED_DETECTOR = 'alerting.rate-exceeded';

/** Sensitive kinds and detector names remembered per open alert. */
const MAX_KINDS_PER_ALERT = 32;
const RATE_WINDOW_SEC = 60;

export type PolicyOutcome = 'new' | 'updated' | 'suppressed' | 'rate-limited';

export interface PolicyResult {
  readonly outcome: PolicyOutcome;
  /**
   * The alert row to store: the new or updated alert; for `rate-limited`, the identity's
   * rate-exceeded summary (null when summaries are off); null when suppressed.
   */
  readonly alert: Alert | null;
  /** Hand `alert` to the sinks: it is new, or an update that reached a count milestone or a higher severity. */
  readonly deliver: boolean;
  /** Why an update is delivered again. */
  readonly redelivery?: 'count' | 'severity';
  /** The rule that suppressed the finding. */
  readonly suppressedBy?: Suppression;
}

export interface PolicyOptions {
  /** Stored suppressions (the alert store), re-read every `suppressionRefreshSec` of packet time. */
  readonly suppressions?: SuppressionProvider;
  readonly ids?: AlertIdGenerator;
}

interface OpenAlert {
  readonly id: string;
  readonly detector: string;
  readonly identity?: string;
  readonly client?: string;
  readonly endpoint?: EndpointRef;
  firstSeen: number;
  lastSeen: number;
  count: number;
  score: number;
  severity: Severity;
  explanation: Explanation;
  evidence: EvidenceItem[];
  sensitiveKinds: Set<string>;
  baselineRate: number | undefined;
  /** The detector's suggested response (the latest finding's). */
  suggested: SuggestedResponse | undefined;
  recommendation: Recommendation;
  /** Rate-exceeded summaries: detectors whose findings were held back. */
  heldDetectors?: Set<string>;
}

interface RateWindow {
  start: number;
  count: number;
}

export class AlertPolicy {
  private readonly open = new Map<string, OpenAlert>();
  private readonly rates = new Map<string, RateWindow>();
  private configRules: SuppressionMatcher;
  private readonly storedRules = new SuppressionMatcher();
  private readonly ids: AlertIdGenerator;
  private milestones: ReadonlySet<number>;
  private sensor: string;
  private nextRefresh = -Infinity;

  constructor(
    private config: Readonly<AlertingConfig>,
    private readonly counters: Counters,
    private readonly options: PolicyOptions = {},
  ) {
    this.configRules = new SuppressionMatcher(suppressionsFromConfig(config.suppressions));
    this.ids = options.ids ?? new AlertIdGenerator();
    this.milestones = new Set(config.redeliverAtCounts);
    this.sensor = config.sensor || os.hostname();
  }

  /**
   * Open alerts from the store at start (oldest first), so a finding that repeats across a restart
   * folds into its alert instead of raising a new one. Alerts older than the dedupe window expire
   * on the next finding's packet time as usual. Rate-exceeded summaries are not restored.
   */
  restoreOpen(alerts: readonly Alert[]): number {
    let restored = 0;
    for (const stored of alerts.slice(-this.config.maxOpenAlerts)) {
      if (stored.type === RATE_EXCEEDED_DETECTOR) continue;
      const kinds = stored.explanation.factors.find((x) => x.name === 'sensitiveKinds')?.value;
      const key = dedupeKey(stored.type, stored.identity, stored.client, stored.endpoint);
      this.open.delete(key);
      this.open.set(key, {
        id: stored.id,
        detector: stored.type,
        ...(stored.identity !== undefined ? { identity: stored.identity } : {}),
        ...(stored.client !== undefined ? { client: stored.client } : {}),
        ...(stored.endpoint !== undefined ? { endpoint: stored.endpoint } : {}),
        firstSeen: stored.firstSeen,
        lastSeen: stored.lastSeen,
        count: stored.count,
        score: stored.score,
        severity: stored.severity,
        explanation: stored.explanation,
        evidence: [...stored.evidence],
        sensitiveKinds: new Set(typeof kinds === 'string' && kinds !== '' ? kinds.split(',') : []),
        baselineRate: baselineRateOf(stored.explanation),
        suggested: undefined,
        recommendation: stored.recommendation,
      });
      restored++;
    }
    if (restored > 0) this.counters.inc('alerting.dedupe.restored', restored);
    return restored;
  }

  /**
   * New thresholds, playbooks and config suppressions (SIGHUP). Open alerts and rate windows are
   * kept, so a reload neither re-raises what is already open nor resets anyone's rate bound.
   */
  reconfigure(config: Readonly<AlertingConfig>): void {
    this.config = config;
    this.configRules = new SuppressionMatcher(suppressionsFromConfig(config.suppressions));
    this.milestones = new Set(config.redeliverAtCounts);
    this.sensor = config.sensor || os.hostname();
  }

  /** Open alerts held for dedupe. */
  get openAlerts(): number {
    return this.open.size;
  }

  /** Identities with a live rate window. */
  get trackedIdentities(): number {
    return this.rates.size;
  }

  process(finding: Finding): PolicyResult {
    this.counters.inc('alerting.findings');
    const f = sanitize(finding, this.counters);
    this.expire(f.ts);
    if (this.options.suppressions && f.ts >= this.nextRefresh) this.reloadSuppressions(f.ts);

    const rule = this.configRules.match(f) ?? this.storedRules.match(f);
    if (rule) {
      this.counters.inc('alerting.suppressed');
      return { outcome: 'suppressed', alert: null, deliver: false, suppressedBy: rule };
    }

    const key = dedupeKey(f.detector, f.identity, f.client, f.endpoint);
    const existing = this.liveOpenAlert(key, f.ts);
    if (existing) return this.fold(key, existing, f, 'updated');

    const rateKey = f.identity ?? (f.client !== undefined ? `ip:${f.client}` : undefined);
    if (rateKey !== undefined && !this.admit(rateKey, f.ts)) {
      this.counters.inc('alerting.rate_limited');
      if (!this.config.rateLimitSummary) return { outcome: 'rate-limited', alert: null, deliver: false };
      return this.foldIntoSummary(f);
    }
    return this.raise(key, f, 'new');
  }

  /** Re-reads stored suppressions (call after feedback given in this process, or on reload). */
  reloadSuppressions(now: number): void {
    this.nextRefresh = now + this.config.suppressionRefreshSec;
    if (!this.options.suppressions) return;
    try {
      // Config rules live in the config; stored copies of them could be stale, so they are skipped.
      this.storedRules.replace(this.options.suppressions.listSuppressions(now).filter((s) => s.source !== 'config'));
    } catch {
      // A locked or full database must not stop alerting: keep the rules read last time.
      this.counters.inc('alerting.suppressions.reload_failed');
    }
  }

  /** Applies a suppression at once (e.g. feedback given through this process). */
  addSuppression(rule: Suppression): void {
    this.storedRules.add(rule);
  }

  /**
   * Forgets open alerts quiet for a full dedupe window and stale rate windows. Runs on every
   * finding; call it on ticks too so memory follows traffic when findings stop.
   */
  expire(now: number): void {
    const window = this.config.dedupeWindowSec;
    for (const [key, a] of this.open) {
      if (now - a.lastSeen < window) break;
      this.open.delete(key);
      this.counters.inc('alerting.dedupe.expired');
    }
    for (const [key, r] of this.rates) {
      if (now - r.start < RATE_WINDOW_SEC) break;
      this.rates.delete(key);
    }
  }

  /** The open alert for `key` unless it was quiet for a whole window (then it is forgotten). */
  private liveOpenAlert(key: string, ts: number): OpenAlert | undefined {
    const a = this.open.get(key);
    if (!a || ts - a.lastSeen < this.config.dedupeWindowSec) return a;
    this.open.delete(key);
    this.counters.inc('alerting.dedupe.expired');
    return undefined;
  }

  private admit(rateKey: string, ts: number): boolean {
    let w = this.rates.get(rateKey);
    if (w) {
      this.rates.delete(rateKey);
      if (ts - w.start >= RATE_WINDOW_SEC) w = { start: ts, count: 0 };
    } else {
      if (this.rates.size >= this.config.maxRateTrackedIdentities) {
        const oldest = this.rates.keys().next().value;
        if (oldest !== undefined) this.rates.delete(oldest);
        this.counters.inc('alerting.rate.evicted');
      }
      w = { start: ts, count: 0 };
    }
    this.rates.set(rateKey, w); // re-inserted: the map stays ordered by last use
    if (w.count >= this.config.maxAlertsPerIdentityPerMinute) return false;
    w.count++;
    return true;
  }

  private raise(key: string, f: Finding, outcome: 'new' | 'rate-limited', heldDetector?: string): PolicyResult {
    if (this.open.size >= this.config.maxOpenAlerts) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
      this.counters.inc('alerting.dedupe.evicted');
    }
    const kinds = new Set((f.sensitiveKinds ?? []).slice(0, MAX_KINDS_PER_ALERT));
    const severity = severityFor(this.config, f.detector, f.score, kinds);
    const a: OpenAlert = {
      id: this.ids.next(f.ts),
      detector: f.detector,
      ...(f.identity !== undefined ? { identity: f.identity } : {}),
      ...(f.client !== undefined ? { client: f.client } : {}),
      ...(f.endpoint !== undefined ? { endpoint: f.endpoint } : {}),
      firstSeen: f.ts,
      lastSeen: f.ts,
      count: 1,
      score: f.score,
      severity,
      explanation: f.explanation,
      evidence: f.evidence.slice(0, this.config.maxEvidence),
      sensitiveKinds: kinds,
      baselineRate: baselineRateOf(f.explanation),
      suggested: f.suggested,
      recommendation: { action: 'observe', reason: '' },
      ...(heldDetector !== undefined ? { heldDetectors: new Set([heldDetector]) } : {}),
    };
    if (a.heldDetectors) a.explanation = this.summaryExplanation(a);
    a.recommendation = this.recommendationFor(a);
    this.open.set(key, a);
    this.counters.inc(outcome === 'new' ? 'alerting.new' : 'alerting.rate_summary.new');
    return { outcome, alert: snapshot(a, this.sensor), deliver: true };
  }

  private fold(key: string, a: OpenAlert, f: Finding, outcome: 'updated' | 'rate-limited', heldDetector?: string): PolicyResult {
    this.open.delete(key);
    this.open.set(key, a); // re-inserted: the map stays ordered by last update, oldest first
    a.count++;
    a.firstSeen = Math.min(a.firstSeen, f.ts);
    a.lastSeen = Math.max(a.lastSeen, f.ts);
    if (f.score > a.score) {
      a.score = f.score;
      if (!a.heldDetectors) a.explanation = f.explanation;
    }
    for (const k of f.sensitiveKinds ?? []) if (a.sensitiveKinds.size < MAX_KINDS_PER_ALERT) a.sensitiveKinds.add(k);
    a.baselineRate = baselineRateOf(f.explanation) ?? a.baselineRate;
    a.suggested = f.suggested ?? a.suggested;
    addEvidence(a.evidence, f.evidence, this.config.maxEvidence);
    if (heldDetector !== undefined && a.heldDetectors && a.heldDetectors.size < MAX_KINDS_PER_ALERT) a.heldDetectors.add(heldDetector);
    if (a.heldDetectors) a.explanation = this.summaryExplanation(a);

    const before = a.severity;
    // an alert's severity never drops (a restored alert may know fewer of its sensitive kinds)
    const now = severityFor(this.config, a.detector, a.score, a.sensitiveKinds);
    if (severityRank(now) > severityRank(before)) a.severity = now;
    a.recommendation = this.recommendationFor(a);
    const redelivery = severityRank(a.severity) > severityRank(before) ? 'severity' : this.milestones.has(a.count) ? 'count' : undefined;
    this.counters.inc(outcome === 'updated' ? 'alerting.updated' : 'alerting.rate_summary.updated');
    if (redelivery) this.counters.inc('alerting.redelivered');
    return { outcome, alert: snapshot(a, this.sensor), deliver: redelivery !== undefined, ...(redelivery ? { redelivery } : {}) };
  }

  /** Folds a held-back finding into its identity's rate-exceeded alert (raising it if needed). */
  private foldIntoSummary(f: Finding): PolicyResult {
    const byIdentity = f.identity !== undefined;
    const summary: Finding = {
      detector: RATE_EXCEEDED_DETECTOR,
      ts: f.ts,
      score: f.score,
      ...(byIdentity ? { identity: f.identity } : { client: f.client }),
      ...(f.sensitiveKinds ? { sensitiveKinds: f.sensitiveKinds } : {}),
      explanation: { summary: '', factors: [] },
      evidence: f.evidence,
    };
    const key = dedupeKey(RATE_EXCEEDED_DETECTOR, summary.identity, summary.client, undefined);
    const existing = this.liveOpenAlert(key, summary.ts);
    return existing ? this.fold(key, existing, summary, 'rate-limited', f.detector) : this.raise(key, summary, 'rate-limited', f.detector);
  }

  private summaryExplanation(a: OpenAlert): Explanation {
    const who = a.identity ?? `client ${a.client ?? '?'}`;
    const max = this.config.maxAlertsPerIdentityPerMinute;
    return {
      summary: `Alert rate exceeded for ${who}: ${a.count} finding${a.count === 1 ? '' : 's'} held back over the bound of ${max} new alerts per minute.`,
      factors: [
        { name: 'heldFindings', value: a.count },
        { name: 'maxAlertsPerIdentityPerMinute', value: max },
        { name: 'detectors', value: [...(a.heldDetectors ?? [])].join(',') },
      ],
    };
  }

  private recommendationFor(a: OpenAlert): Recommendation {
    return recommend(this.config, {
      detector: a.detector,
      severity: a.severity,
      score: a.score,
      ...(a.identity !== undefined ? { identity: a.identity } : {}),
      ...(a.client !== undefined ? { client: a.client } : {}),
      ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}),
      ...(a.baselineRate !== undefined ? { baselineRatePerMinute: a.baselineRate } : {}),
      ...(a.suggested !== undefined ? { suggested: a.suggested } : {}),
    });
  }
}

function dedupeKey(detector: string, identity: string | undefined, client: string | undefined, e: EndpointRef | undefined): string {
  return [detector, identity ?? '', client ?? '', e?.host ?? '', e?.method ?? '', e?.template ?? ''].join('\u0000');
}

/** Keeps the first `max - 1` items and, in the last slot, the most recent one. */
function addEvidence(kept: EvidenceItem[], incoming: readonly EvidenceItem[], max: number): void {
  for (const item of incoming) {
    if (kept.length < max) kept.push(item);
    else kept[max - 1] = item;
  }
}

function sanitize(f: Finding, counters: Counters): Finding {
  if (Number.isFinite(f.score) && f.score >= 0 && f.score <= 1) return f;
  counters.inc('alerting.score_clamped');
  return { ...f, score: Number.isFinite(f.score) ? Math.min(1, Math.max(0, f.score)) : 0 };
}

function snapshot(a: OpenAlert, sensor: string): Alert {
  return {
    id: a.id,
    type: a.detector,
    severity: a.severity,
    score: a.score,
    ...(a.identity !== undefined ? { identity: a.identity } : {}),
    ...(a.client !== undefined ? { client: a.client } : {}),
    ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}),
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    count: a.count,
    explanation: a.explanation,
    recommendation: a.recommendation,
    evidence: [...a.evidence],
    sensor,
  };
}
