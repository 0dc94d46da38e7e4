// Kong feed: plugin objects in the Admin API's JSON shape (POST /plugins): `rate-limiting` per
// consumer for user throttles, `request-termination` per consumer for user bans, and one global
// `ip-restriction` whose config.deny lists banned IPs and ranges. Kong cannot throttle one IP or one
// endpoint without route ids Tapwatch does not know, so those are left out and counted.
// Dry-run: every plugin `enabled: false` and a top-level note. Expiry, alert and confidence are tags.
import type { Decision, FeedFormat, FeedRenderOptions, RenderedFeed } from '../decision';
import { activeDecisions, parseNetwork, safeToken, safeUserName } from './common';

export interface KongPlugin {
  name: 'rate-limiting' | 'request-termination' | 'ip-restriction';
  consumer?: { username: string };
  config: Record<string, unknown>;
  enabled: boolean;
  tags: string[];
}

export interface KongFeed {
  note: string;
  enforce: boolean;
  generatedAt: number;
  plugins: KongPlugin[];
  skipped: { ipThrottles: number; endpointThrottles: number; captcha: number; invalid: number };
}

/** Kong tags: printable, no spaces or commas. */
function tag(name: string, value: string | number | undefined): string[] {
  const text = value === undefined ? undefined : safeToken(String(value));
  return text ? [`${name}:${text}`] : [];
}

function tagsOf(d: Decision): string[] {
  return ['tapwatch', ...tag('decision', d.id), ...tag('alert', d.alertId), ...tag('expires', Math.ceil(d.expiresAt)), ...tag('confidence', d.confidence.toFixed(2))];
}

export function renderKong(decisions: readonly Decision[], opts: FeedRenderOptions): RenderedFeed {
  const skipped = { ipThrottles: 0, endpointThrottles: 0, captcha: 0, invalid: 0 };
  const plugins: KongPlugin[] = [];
  const deny = new Set<string>();
  const denyTags = new Set<string>(['tapwatch']);
  const perConsumer = new Set<string>();
  for (const d of activeDecisions(decisions, opts.now)) {
    if (d.action === 'captcha') {
      skipped.captcha++;
      continue;
    }
    if (d.target.kind !== 'user') {
      if (d.action === 'throttle') {
        skipped.ipThrottles++;
        continue;
      }
      const network = parseNetwork(d.target.kind, d.target.value);
      if (!network) {
        skipped.invalid++;
        continue;
      }
      deny.add(d.target.kind === 'ip' ? network.address : network.cidr);
      for (const t of tagsOf(d).filter((x) => x.startsWith('decision:'))) denyTags.add(t);
      continue;
    }
    const username = safeUserName(d.target.value);
    const limit = Math.floor(d.limitPerMinute ?? 0);
    if (username === undefined || (d.action === 'throttle' && !(limit >= 1))) {
      skipped.invalid++;
      continue;
    }
    if (d.endpoint) {
      skipped.endpointThrottles++;
      continue;
    }
    // one plugin of a name per consumer: Kong refuses a second; sorted input keeps the ban first
    const key = `${d.action}\u0000${username}`;
    if (perConsumer.has(key)) continue;
    perConsumer.add(key);
    plugins.push(
      d.action === 'ban'
        ? { name: 'request-termination', consumer: { username }, config: { status_code: 403, message: 'Blocked by Tapwatch' }, enabled: opts.enforce, tags: tagsOf(d) }
        : { name: 'rate-limiting', consumer: { username }, config: { minute: limit, policy: 'local', limit_by: 'consumer' }, enabled: opts.enforce, tags: tagsOf(d) },
    );
  }
  if (deny.size > 0) plugins.push({ name: 'ip-restriction', config: { deny: [...deny].sort(), status: 403, message: 'Blocked by Tapwatch' }, enabled: opts.enforce, tags: [...denyTags].sort() });
  const feed: KongFeed = {
    note: opts.enforce
      ? `Tapwatch decisions from sensor ${opts.sensor}: enforcing. POST each plugin to the Admin API's /plugins.`
      : `Tapwatch decisions from sensor ${opts.sensor}: DRY-RUN, every plugin is disabled (enabled: false) until enforcement is switched on.`,
    enforce: opts.enforce,
    generatedAt: opts.now,
    plugins,
    skipped,
  };
  return { fileName: 'tapwatch-kong.json', contentType: 'application/json', text: `${JSON.stringify(feed, null, 2)}\n` };
}

export const kongFeed: FeedFormat = { name: 'kong', render: renderKong };
