// CrowdSec feed: decisions in the shape LAPI and `cscli decisions import` take them (duration as a Go
// duration, origin, scenario, scope Ip|Range|Username, type ban|captcha, value). Throttles are not
// CrowdSec decisions and are left out. Dry-run still renders them, marked `simulated` (the field
// CrowdSec uses for decisions not to act on); the client that pushes them decides.
import type { Decision, FeedFormat, FeedRenderOptions, RenderedFeed } from '../decision';
import { activeDecisions, parseNetwork, safeUserName, secondsLeft } from './common';

export interface CrowdsecDecision {
  duration: string;
  origin: string;
  scenario: string;
  scope: 'Ip' | 'Range' | 'Username';
  type: 'ban' | 'captcha';
  value: string;
  simulated: boolean;
}

/** Seconds as Go's time.Duration prints them: 4h0m0s, 30m0s, 45s. */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function scenarioOf(d: Decision): string {
  const detector = d.detector !== undefined && /^[A-Za-z0-9._-]{1,64}$/.test(d.detector) ? d.detector : d.source;
  return `tapwatch/${detector}`;
}

export function renderCrowdsec(decisions: readonly Decision[], opts: FeedRenderOptions): RenderedFeed {
  const out: CrowdsecDecision[] = [];
  for (const d of activeDecisions(decisions, opts.now)) {
    if (d.action === 'throttle') continue;
    let scope: CrowdsecDecision['scope'];
    let value: string | undefined;
    if (d.target.kind === 'user') {
      scope = 'Username';
      value = safeUserName(d.target.value);
    } else {
      scope = d.target.kind === 'ip' ? 'Ip' : 'Range';
      const network = parseNetwork(d.target.kind, d.target.value);
      value = d.target.kind === 'ip' ? network?.address : network?.cidr;
    }
    if (value === undefined) continue;
    out.push({ duration: goDuration(secondsLeft(d, opts.now)), origin: 'tapwatch', scenario: scenarioOf(d), scope, type: d.action, value, simulated: !opts.enforce });
  }
  return { fileName: 'tapwatch-crowdsec.json', contentType: 'application/json', text: `${JSON.stringify(out, null, 2)}\n` };
}

export const crowdsecFeed: FeedFormat = { name: 'crowdsec', render: renderCrowdsec };
