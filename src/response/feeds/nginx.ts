// nginx feed: one include file for the http {} context. Bans become `$tapwatch_deny` (the operator's
// server block returns 403 on it); throttles become one limit_req_zone per distinct limit, keyed by a
// geo (client IP/range) and a map (endpoint), with `limit_req` at http level so every server and
// location without its own limit_req inherits it. Dry-run: limit_req_dry_run on and no deny.
// Nothing from traffic is written raw: IPs/CIDRs are parsed, ids are checked tokens, endpoints are
// turned into anchored regexes from a restricted alphabet, and anything else is skipped and counted.
import type { EndpointRef } from '../../core/finding';
import type { Decision, FeedFormat, FeedRenderOptions, RenderedFeed } from '../decision';
import { activeDecisions, parseNetwork, safeToken } from './common';

export const NGINX_FEED_FILE = 'tapwatch-nginx.conf';

/** What the operator adds to each server {} block that should refuse banned clients. */
export const NGINX_SERVER_SNIPPET = 'if ($tapwatch_deny) { return 403; }';

interface Skipped {
  user: number;
  captcha: number;
  invalid: number;
}

/** `~^host METHOD path$` for nginx's map, or undefined when some part is outside the safe alphabet. */
export function endpointRegex(endpoint: EndpointRef): string | undefined {
  if (!/^[A-Z]{1,16}$/.test(endpoint.method)) return undefined;
  const host = endpoint.host.toLowerCase().replace(/:\d{1,5}$/, '');
  let hostRe: string;
  if (host === '' || host === '*') hostRe = '[^ ]*';
  else if (/^[a-z0-9.-]{1,253}$/.test(host)) hostRe = host.replace(/\./g, '\\.');
  else return undefined;
  if (!endpoint.template.startsWith('/') || endpoint.template.length > 1024) return undefined;
  const segments: string[] = [];
  for (const seg of endpoint.template.slice(1).split('/')) {
    if (/^\{[A-Za-z0-9_.-]+\}$/.test(seg)) segments.push('[^/]+');
    else if (/^[A-Za-z0-9._~-]*$/.test(seg)) segments.push(seg.replace(/\./g, '\\.'));
    else return undefined;
  }
  return `~^${hostRe} ${endpoint.method} /${segments.join('/')}$`;
}

function annotation(d: Decision): string {
  const alert = safeToken(d.alertId);
  return `# expires ${new Date(d.expiresAt * 1000).toISOString()}, confidence ${d.confidence.toFixed(2)}${alert ? `, alert ${alert}` : ''}`;
}

function renderBans(bans: Decision[], enforce: boolean, skipped: Skipped): string[] {
  const lines = ['# Bans: $tapwatch_ban is the decision id (log it); $tapwatch_deny is 1 only when enforced.', 'geo $tapwatch_ban {', '  default "";'];
  const seen = new Set<string>();
  bans.forEach((d, i) => {
    const network = parseNetwork(d.target.kind as 'ip' | 'range', d.target.value);
    if (!network) return void skipped.invalid++;
    if (seen.has(network.cidr)) return;
    seen.add(network.cidr);
    lines.push(`  ${network.cidr} "${safeToken(d.id) ?? `ban-${i}`}"; ${annotation(d)}`);
  });
  lines.push('}', 'map $tapwatch_ban $tapwatch_deny {', '  default 0;');
  if (enforce) lines.push('  "~." 1;');
  lines.push('}');
  return lines;
}

function renderThrottles(throttles: Decision[], skipped: Skipped): string[] {
  const byLimit = new Map<number, Decision[]>();
  for (const d of throttles) {
    const limit = Math.floor(d.limitPerMinute ?? 0);
    if (!Number.isFinite(limit) || limit < 1) {
      skipped.invalid++;
      continue;
    }
    byLimit.set(limit, [...(byLimit.get(limit) ?? []), d]);
  }
  const lines: string[] = [];
  for (const limit of [...byLimit.keys()].sort((a, b) => a - b)) {
    const name = `tapwatch_t${limit}`;
    const clients = new Map<string, string>();
    const geo: string[] = [];
    const endpointRules: string[] = [];
    const wideRules: string[] = [];
    for (const d of byLimit.get(limit) ?? []) {
      const network = parseNetwork(d.target.kind as 'ip' | 'range', d.target.value);
      const regex = d.endpoint ? endpointRegex(d.endpoint) : undefined;
      if (!network || (d.endpoint && !regex)) {
        skipped.invalid++;
        continue;
      }
      let token = clients.get(network.cidr);
      if (!token) {
        token = `c${clients.size}`;
        clients.set(network.cidr, token);
        geo.push(`  ${network.cidr} "${token}"; ${annotation(d)}`);
      }
      const comment = `# ${safeToken(d.id) ?? 'decision'} ${annotation(d).slice(2)}`;
      if (regex) endpointRules.push(`  "${regex.replace('~^', `~^${token} `)}" "${token}:e${endpointRules.length}"; ${comment}`);
      else wideRules.push(`  "~^${token} " "${token}"; ${comment}`);
    }
    if (clients.size === 0) continue;
    lines.push(
      `# Throttle to ${limit} requests/minute (burst ${limit - 1}, then one every ${(60 / limit).toFixed(1)} s).`,
      `geo $${name}_client {`,
      '  default "";',
      ...geo,
      '}',
      // regexes are tried in order: an endpoint rule before the target's server-wide rule
      `map "$${name}_client $host $request_method $uri" $${name}_key {`,
      '  default "";',
      ...endpointRules,
      ...wideRules,
      '}',
      `limit_req_zone $${name}_key zone=${name}:1m rate=${limit}r/m;`,
      `limit_req zone=${name} burst=${limit - 1} nodelay;`,
      '',
    );
  }
  return lines;
}

export function renderNginx(decisions: readonly Decision[], opts: FeedRenderOptions): RenderedFeed {
  const skipped: Skipped = { user: 0, captcha: 0, invalid: 0 };
  const bans: Decision[] = [];
  const throttles: Decision[] = [];
  for (const d of activeDecisions(decisions, opts.now)) {
    // nginx sees no cleartext identity (keyed hashes only) and has no captcha
    if (d.target.kind === 'user') skipped.user++;
    else if (d.action === 'captcha') skipped.captcha++;
    else if (d.action === 'ban') bans.push(d);
    else throttles.push(d);
  }
  const body = [...renderBans(bans, opts.enforce, skipped), '', ...renderThrottles(throttles, skipped)];
  const sensor = safeToken(opts.sensor) ?? 'sensor';
  const header = [
    `# Tapwatch gateway feed for nginx: sensor ${sensor}, generated ${new Date(opts.now * 1000).toISOString()}, ${opts.enforce ? 'ENFORCING' : 'DRY-RUN (nothing is refused)'}.`,
    '# Use: in http {}, `include <feeds dir>/' + NGINX_FEED_FILE + ';` and in each server {} block that should refuse',
    `# banned clients: \`${NGINX_SERVER_SNIPPET}\`. Throttles apply from http level to every server and`,
    '# location without a limit_req of its own (nginx inherits limit_req only when none is set below);',
    '# excess requests get 429. An endpoint throttle matches $host, the method and $uri (templates as regexes).',
    '# Log $tapwatch_ban and $tapwatch_t<N>_key in a log_format to see what dry-run would have refused.',
    `# Left out: ${skipped.user} user-target decisions (nginx cannot see cleartext identities), ${skipped.captcha} captcha, ${skipped.invalid} with values that cannot be written safely.`,
    'limit_req_status 429;',
    `limit_req_dry_run ${opts.enforce ? 'off' : 'on'};`,
    '',
  ];
  return { fileName: NGINX_FEED_FILE, contentType: 'text/plain; charset=utf-8', text: `${[...header, ...body].join('\n').trimEnd()}\n` };
}

export const nginxFeed: FeedFormat = { name: 'nginx', render: renderNginx };
