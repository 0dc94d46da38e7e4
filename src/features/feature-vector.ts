// Fills the feature vectors of feature-schema.ts from the baselines, in schema order, as raw values
// (normaliseVector turns them into model inputs). Reads never change a baseline: a vector taken at
// `now` ages the windows virtually, so a detector may ask at any packet time.
import type { Baseline } from './baseline';
import { IDENTITY_WINDOW_FEATURES, PAIR_WINDOW_FEATURES, SESSION_FEATURES } from './feature-schema';
import { hourOfDayActivity, hourOfWeekActivity } from './hour-of-week';
import { IDENTITY_IDS, IDENTITY_TEMPLATES, type IdentityBaseline } from './identity-baseline';
import { histogramQuantile } from './log-histogram';
import { ERROR_CLASSES, H_BYTES, H_DISTINCT, H_DISTINCT2, H_RECORDS, H_REQUESTS, M_403, M_404, M_BYTES, M_ID_REQUESTS, M_NEW_FIELDS, M_RECORDS, M_REQUESTS, M_UNSEEN_IDS } from './metrics';
import { PAIR_IDS, type PairBaseline } from './pair-baseline';
import type { SessionState } from './session-state';
import { robustZ, summarize } from './robust';
import type { WindowHistory } from './window-counts';

const DAY = 86400;
const HOUR = 3600;

export interface LearningRule {
  learningPeriodSec: number;
  learningMinRequests: number;
}

function share(part: number, whole: number): number {
  return whole > 0 ? Math.min(1, part / whole) : 0;
}

function zAgainst(value: number, history: WindowHistory | null, col: number): number {
  return history === null ? 0 : robustZ(value, summarize(history, col));
}

function learningFlag(b: Baseline, now: number, rule: LearningRule): number {
  return b.scored(now, rule.learningPeriodSec, rule.learningMinRequests) ? 0 : 1;
}

export function identityWindowVector(b: IdentityBaseline, now: number, rule: LearningRule, out: Float32Array = new Float32Array(IDENTITY_WINDOW_FEATURES.length)): Float32Array {
  const hour = b.hour;
  const r1m = b.minute.estimate(0, now);
  const r10m = b.tenMinutes?.estimate(0, now) ?? 0;
  const r1h = hour.estimate(M_REQUESTS, now);
  const templates = b.distinctRecent(IDENTITY_TEMPLATES, now);
  const ids = b.distinctRecent(IDENTITY_IDS, now);
  const bytes = hour.estimate(M_BYTES, now);
  const records = hour.estimate(M_RECORDS, now);
  let i = 0;
  out[i++] = r1m;
  out[i++] = r10m;
  out[i++] = r1h;
  out[i++] = zAgainst(r1m, b.minuteHistory, 0);
  out[i++] = zAgainst(r10m, b.tenMinuteHistory, 0);
  out[i++] = zAgainst(r1h, b.hourHistory, H_REQUESTS);
  out[i++] = summarize(b.hourHistory, H_REQUESTS).median;
  out[i++] = b.minute.peakCount();
  for (const e of ERROR_CLASSES) out[i++] = share(hour.estimate(e.metric, now), r1h);
  out[i++] = templates;
  out[i++] = zAgainst(templates, b.hourHistory, H_DISTINCT);
  out[i++] = ids;
  out[i++] = zAgainst(ids, b.hourHistory, H_DISTINCT2);
  out[i++] = share(hour.estimate(M_UNSEEN_IDS, now), hour.estimate(M_ID_REQUESTS, now));
  out[i++] = bytes;
  out[i++] = zAgainst(bytes, b.hourHistory, H_BYTES);
  out[i++] = records;
  out[i++] = zAgainst(records, b.hourHistory, H_RECORDS);
  out[i++] = hour.estimate(M_NEW_FIELDS, now);
  out[i++] = b.profile ? hourOfWeekActivity(b.profile, now) : 0;
  out[i++] = b.profile ? hourOfDayActivity(b.profile, now) : 0;
  out[i++] = histogramQuantile(b.think, 0.5);
  out[i++] = b.lastSession ? b.lastSession.thinkTimeGeoMean() : 0;
  out[i++] = b.ips.activeSince(now - HOUR);
  out[i++] = b.ips.size;
  out[i++] = b.userAgents.activeSince(now - HOUR);
  out[i++] = b.asns?.activeSince(now - HOUR) ?? 0;
  out[i++] = Math.max(0, now - b.first) / DAY;
  out[i] = learningFlag(b, now, rule);
  return out;
}

/**
 * A session (open or just ended). Every value is taken from the session and its identity as they
 * stood at its last request, so the vector is the same whenever it is read.
 */
export function sessionVector(s: SessionState, rule: LearningRule, out: Float32Array = new Float32Array(SESSION_FEATURES.length)): Float32Array {
  const b = s.identity;
  const c = s.counts;
  const requests = c[M_REQUESTS] as number;
  const duration = Math.max(0, s.last - s.start);
  let i = 0;
  out[i++] = duration;
  out[i++] = requests;
  out[i++] = requests / Math.max(1, duration / 60);
  for (const e of ERROR_CLASSES) out[i++] = share(c[e.metric] as number, requests);
  out[i++] = s.distinctTemplates();
  out[i++] = s.distinctIds();
  out[i++] = share(c[M_UNSEEN_IDS] as number, c[M_ID_REQUESTS] as number);
  out[i++] = c[M_BYTES] as number;
  out[i++] = c[M_RECORDS] as number;
  out[i++] = c[M_NEW_FIELDS] as number;
  out[i++] = s.thinkTimeGeoMean();
  out[i++] = s.ipChanges;
  out[i++] = b.profile ? hourOfWeekActivity(b.profile, s.start) : 0;
  out[i++] = Math.max(0, s.start - b.first) / DAY;
  out[i] = learningFlag(b, s.last, rule);
  return out;
}

export function pairWindowVector(p: PairBaseline, now: number, out: Float32Array = new Float32Array(PAIR_WINDOW_FEATURES.length)): Float32Array {
  const hour = p.hour;
  const r1h = hour.estimate(M_REQUESTS, now);
  const ids = p.distinctRecent(PAIR_IDS, now);
  let i = 0;
  out[i++] = p.minute.estimate(0, now);
  out[i++] = r1h;
  out[i++] = zAgainst(r1h, p.hourHistory, H_REQUESTS);
  out[i++] = share(hour.estimate(M_403, now), r1h);
  out[i++] = share(hour.estimate(M_404, now), r1h);
  out[i++] = ids;
  out[i++] = zAgainst(ids, p.hourHistory, H_DISTINCT);
  out[i++] = p.distinctLifetime(PAIR_IDS);
  out[i++] = share(hour.estimate(M_UNSEEN_IDS, now), hour.estimate(M_ID_REQUESTS, now));
  out[i++] = hour.estimate(M_BYTES, now);
  out[i] = hour.estimate(M_RECORDS, now);
  return out;
}
