// What a baseline learned, for an analyst: a structured summary (the JSON of `tapwatch baseline`)
// and the sentences of its text form ("usually 40–120 req/h on weekdays 08–18 UTC from 2 IPs").
import type { Baseline } from './baseline';
import { EndpointBaseline } from './endpoint-baseline';
import { HOURS_PER_WEEK, profileTotal } from './hour-of-week';
import { IDENTITY_IDS, IDENTITY_TEMPLATES, IdentityBaseline } from './identity-baseline';
import { IP_IDENTITIES, IP_TEMPLATES, IpBaseline } from './ip-baseline';
import type { BoundedTally } from './bounded-tally';
import { histogramQuantile } from './log-histogram';
import { ERROR_CLASSES, H_BYTES, H_RECORDS, H_REQUESTS, M_BYTES, M_ID_REQUESTS, M_NEW_FIELDS, M_RECORDS, M_REQUESTS, M_UNSEEN_IDS } from './metrics';
import { PAIR_IDS, PairBaseline } from './pair-baseline';
import { summarize, type RobustSummary } from './robust';
import { ENDPOINT_CALLERS } from './endpoint-baseline';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** Share of activity the "usual hours" must cover. */
const USUAL_HOURS_SHARE = 0.9;
/** Active hours in the history before a rate is called usual. */
const MIN_HISTORY = 3;

export interface SourceSummary {
  value: string;
  requests: number;
  firstSeen: number;
  lastSeen: number;
}

export interface BaselineSummary {
  kind: string;
  key: string;
  firstSeen: number;
  lastSeen: number;
  requests: number;
  /** Out of the learning period at its last activity. */
  scored: boolean;
  /** Packet time the learning period ends (or ended), when the request count allows. */
  learningEndsAt: number;
  rate: {
    perHour: RobustSummary;
    perTenMinutes: RobustSummary | null;
    perMinute: RobustSummary;
    peak: { perMinute: number; perTenMinutes: number | null; perHour: number };
  };
  /** Usual days and hours (UTC), when the kind keeps a profile. */
  activity: { days: string; hours: string; profile: number[] } | null;
  errors: Record<string, number>;
  volume: { bytes: number; records: number; bytesPerHour: RobustSummary; recordsPerHour: RobustSummary };
  distinct: Record<string, number>;
  objectIds: { judgedRequests: number; unseenRequests: number } | null;
  thinkTimeMedianSec: number | null;
  /** Sessions ended (an open one is not counted yet). */
  sessions: number | null;
  ips: { values: SourceSummary[]; overflow: number } | null;
  userAgents: { values: SourceSummary[]; overflow: number } | null;
  asns: { values: SourceSummary[]; overflow: number } | null;
  requestBodyFields: { name: string; bodies: number }[] | null;
  newBodyFields: number;
  /** One line an analyst reads first. */
  sentence: string;
}

function sources(t: BoundedTally | null): { values: SourceSummary[]; overflow: number } {
  if (t === null) return { values: [], overflow: 0 };
  const values = t.entries.map((e) => ({ value: e.value, requests: e.count, firstSeen: e.first, lastSeen: e.last }));
  return { values: values.sort((a, b) => b.requests - a.requests || a.value.localeCompare(b.value)), overflow: t.overflow };
}

/** "weekdays", "every day", "weekends", or the days themselves, from the hour-of-week profile. */
export function usualDays(profile: Uint8Array): string {
  const perDay = DAYS.map((_, d) => {
    let n = 0;
    for (let h = 0; h < 24; h++) n += profile[d * 24 + h] as number;
    return n;
  });
  const busiest = Math.max(...perDay);
  if (busiest === 0) return 'no activity yet';
  const active = perDay.map((n) => n >= busiest * 0.1);
  const names = DAYS.filter((_, d) => active[d]);
  if (names.length === 7) return 'every day';
  if (names.join() === 'Mon,Tue,Wed,Thu,Fri') return 'weekdays';
  if (names.join() === 'Sat,Sun') return 'weekends';
  return names.join(', ');
}

/** The shortest run of hours of the day (UTC, may wrap midnight) holding 90% of the activity: "08–18 UTC". */
export function usualHours(profile: Uint8Array): string {
  const perHour = Array.from({ length: 24 }, (_, h) => {
    let n = 0;
    for (let d = 0; d < 7; d++) n += profile[d * 24 + h] as number;
    return n;
  });
  const total = perHour.reduce((a, b) => a + b, 0);
  if (total === 0) return '';
  for (let len = 1; len <= 24; len++) {
    if (len >= 22) return 'around the clock';
    let best = -1;
    let bestSum = -1;
    for (let start = 0; start < 24; start++) {
      let sum = 0;
      for (let k = 0; k < len; k++) sum += perHour[(start + k) % 24] as number;
      if (sum > bestSum) {
        bestSum = sum;
        best = start;
      }
    }
    if (bestSum >= USUAL_HOURS_SHARE * total) {
      const pad = (h: number): string => String(h % 24).padStart(2, '0');
      return `${pad(best)}–${pad(best + len)} UTC`;
    }
  }
  return 'around the clock';
}

function roundRate(x: number): string {
  return x >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

function rateWords(s: RobustSummary, unit: string): string {
  if (s.n < MIN_HISTORY) return `not enough history for a usual rate yet (${plural(s.n, 'finished active hour')})`;
  const lo = roundRate(s.p10);
  const hi = roundRate(s.p90);
  return lo === hi ? `usually ${lo} ${unit}` : `usually ${lo}–${hi} ${unit}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summarizeBaseline(b: Baseline, learningPeriodSec: number, learningMinRequests: number): BaselineSummary {
  const totals = b.totals;
  const requests = totals[M_REQUESTS] as number;
  const errors: Record<string, number> = {};
  for (const e of ERROR_CLASSES) errors[e.name] = requests > 0 ? (totals[e.metric] as number) / requests : 0;
  const perHour = summarize(b.hourHistory, H_REQUESTS);
  const distinct: Record<string, number> = {};
  let objectIds: BaselineSummary['objectIds'] = null;
  if (b instanceof IdentityBaseline) {
    distinct['templates'] = Math.round(b.distinctLifetime(IDENTITY_TEMPLATES));
    distinct['objectIds'] = Math.round(b.distinctLifetime(IDENTITY_IDS));
  } else if (b instanceof IpBaseline) {
    distinct['identities'] = Math.round(b.distinctLifetime(IP_IDENTITIES));
    distinct['templates'] = Math.round(b.distinctLifetime(IP_TEMPLATES));
  } else if (b instanceof EndpointBaseline) {
    distinct['callers'] = Math.round(b.distinctLifetime(ENDPOINT_CALLERS));
  } else if (b instanceof PairBaseline) {
    distinct['objectIds'] = Math.round(b.distinctLifetime(PAIR_IDS));
  }
  if (b instanceof IdentityBaseline || b instanceof PairBaseline) {
    objectIds = { judgedRequests: totals[M_ID_REQUESTS] as number, unseenRequests: totals[M_UNSEEN_IDS] as number };
  }
  const identity = b instanceof IdentityBaseline ? b : null;
  const activity = b.profile && profileTotal(b.profile) > 0 ? { days: usualDays(b.profile), hours: usualHours(b.profile), profile: Array.from(b.profile.subarray(0, HOURS_PER_WEEK)) } : null;
  const ips = identity ? sources(identity.ips) : null;
  const summary: BaselineSummary = {
    kind: b.kind,
    key: b.key,
    firstSeen: b.first,
    lastSeen: b.last,
    requests: b.requests,
    scored: b.scored(b.last, learningPeriodSec, learningMinRequests),
    learningEndsAt: b.first + learningPeriodSec,
    rate: {
      perHour,
      perTenMinutes: b.tenMinuteHistory ? summarize(b.tenMinuteHistory, 0) : null,
      perMinute: summarize(b.minuteHistory, 0),
      peak: { perMinute: b.minute.peakCount(), perTenMinutes: b.tenMinutes ? b.tenMinutes.peakCount() : null, perHour: b.hour.peakCount() },
    },
    activity,
    errors,
    volume: { bytes: totals[M_BYTES] as number, records: totals[M_RECORDS] as number, bytesPerHour: summarize(b.hourHistory, H_BYTES), recordsPerHour: summarize(b.hourHistory, H_RECORDS) },
    distinct,
    objectIds,
    thinkTimeMedianSec: identity ? histogramQuantile(identity.think, 0.5) : null,
    sessions: identity ? identity.sessions : null,
    ips,
    userAgents: identity ? sources(identity.userAgents) : b instanceof IpBaseline ? sources(b.userAgents) : null,
    asns: identity ? sources(identity.asns) : null,
    requestBodyFields: b instanceof EndpointBaseline ? [...b.fields].map(([name, bodies]) => ({ name, bodies })).sort((x, y) => y.bodies - x.bodies || x.name.localeCompare(y.name)) : null,
    newBodyFields: totals[M_NEW_FIELDS] as number,
    sentence: '',
  };
  const unit = b instanceof EndpointBaseline ? 'calls/h' : 'req/h';
  let sentence = rateWords(perHour, unit);
  if (activity) sentence += ` on ${activity.days}${activity.hours ? ` ${activity.hours}` : ''}`;
  if (ips) sentence += ` from ${ips.overflow > 0 ? `more than ${ips.values.length} IPs` : plural(ips.values.length, 'IP')}`;
  if (b instanceof EndpointBaseline) sentence += ` from about ${plural(distinct['callers'] ?? 0, 'caller')}`;
  if (b instanceof IpBaseline) sentence += ` speaking for about ${plural(distinct['identities'] ?? 0, 'identity', 'identities')}`;
  summary.sentence = sentence;
  return summary;
}
