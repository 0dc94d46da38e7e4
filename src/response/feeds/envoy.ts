// Envoy feed: the config file of Envoy's rate-limit service (github.com/envoyproxy/ratelimit): one
// `remote_address` descriptor per client IP and one `user` descriptor per user name, a nested
// `endpoint` descriptor for an endpoint throttle, bans as requests_per_unit 0, shadow_mode in dry-run.
// The service rejects unknown keys, so expiry, confidence and alert go into YAML comments.
import { Document, YAMLMap } from 'yaml';
import type { Decision, FeedFormat, FeedRenderOptions, RenderedFeed } from '../decision';
import { activeDecisions, parseNetwork, safeUserName } from './common';

export const ENVOY_DOMAIN = 'tapwatch';

interface RateLimitYaml {
  unit: 'minute';
  requests_per_unit: number;
}

interface DescriptorYaml {
  key: string;
  value: string;
  rate_limit?: RateLimitYaml;
  shadow_mode?: boolean;
  descriptors?: DescriptorYaml[];
}

/** The endpoint descriptor value a route's `generic_key` action must send: `METHOD host template`. */
export function envoyEndpointValue(d: Decision): string | undefined {
  return d.endpoint ? `${d.endpoint.method} ${d.endpoint.host} ${d.endpoint.template}` : undefined;
}

function note(d: Decision): string {
  return ` ${d.action} ${d.id}: expires ${new Date(d.expiresAt * 1000).toISOString()}, confidence ${d.confidence.toFixed(2)}, alert ${d.alertId ?? 'none'}`;
}

export function renderEnvoy(decisions: readonly Decision[], opts: FeedRenderOptions): RenderedFeed {
  let skippedRange = 0;
  let skippedCaptcha = 0;
  let skippedInvalid = 0;
  const targets = new Map<string, { descriptor: DescriptorYaml; notes: string[] }>();
  const children = new Map<string, Map<string, { descriptor: DescriptorYaml; notes: string[] }>>();
  for (const d of activeDecisions(decisions, opts.now)) {
    if (d.action === 'captcha') {
      skippedCaptcha++;
      continue;
    }
    // the service matches descriptor values exactly: a range cannot be a descriptor
    if (d.target.kind === 'range') {
      skippedRange++;
      continue;
    }
    const value = d.target.kind === 'ip' ? parseNetwork('ip', d.target.value)?.address : safeUserName(d.target.value);
    const limit = d.action === 'ban' ? 0 : Math.floor(d.limitPerMinute ?? -1);
    if (value === undefined || !Number.isFinite(limit) || limit < 0) {
      skippedInvalid++;
      continue;
    }
    const key = d.target.kind === 'ip' ? 'remote_address' : 'user';
    const id = `${key}\u0000${value}`;
    let target = targets.get(id);
    if (!target) {
      target = { descriptor: { key, value }, notes: [] };
      targets.set(id, target);
    }
    const rateLimit: RateLimitYaml = { unit: 'minute', requests_per_unit: limit };
    const endpoint = d.action === 'ban' ? undefined : envoyEndpointValue(d);
    let entry = target;
    if (endpoint !== undefined) {
      const perTarget = children.get(id) ?? new Map<string, { descriptor: DescriptorYaml; notes: string[] }>();
      children.set(id, perTarget);
      entry = perTarget.get(endpoint) ?? { descriptor: { key: 'endpoint', value: endpoint }, notes: [] };
      perTarget.set(endpoint, entry);
    }
    // two decisions on the same descriptor: the stricter limit wins (a ban is 0)
    const current = entry.descriptor.rate_limit?.requests_per_unit;
    if (current === undefined || limit < current) entry.descriptor.rate_limit = rateLimit;
    if (!opts.enforce) entry.descriptor.shadow_mode = true;
    entry.notes.push(note(d));
  }
  const doc = new Document({ domain: ENVOY_DOMAIN, descriptors: [] as DescriptorYaml[] });
  doc.commentBefore = [
    ` Tapwatch rate-limit service config, sensor ${opts.sensor}, generated ${new Date(opts.now * 1000).toISOString()}, ${opts.enforce ? 'ENFORCING' : 'DRY-RUN (shadow_mode)'}.`,
    ' Envoy sends descriptors from its rate_limits actions: remote_address for the client IP, request_headers',
    ' with descriptor_key "user" for the user name header, and a generic_key "endpoint" per route whose value',
    ' is "METHOD host template" for endpoint throttles.',
    ` Left out: ${skippedRange} range targets (values match exactly), ${skippedCaptcha} captcha, ${skippedInvalid} invalid.`,
  ].join('\n');
  const list = doc.get('descriptors') as { add(v: unknown): void; items: unknown[] };
  for (const [id, target] of targets) {
    const kids = [...(children.get(id)?.values() ?? [])];
    const descriptor: DescriptorYaml = { ...target.descriptor };
    if (kids.length > 0) descriptor.descriptors = kids.map((k) => k.descriptor);
    const node = doc.createNode(descriptor) as YAMLMap;
    const ownNotes = target.notes.length > 0 ? target.notes : [];
    node.commentBefore = [...ownNotes, ...kids.flatMap((k) => k.notes.map((n) => `${n} (endpoint ${k.descriptor.value})`))].join('\n');
    list.add(node);
  }
  return { fileName: 'tapwatch-envoy-ratelimit.yaml', contentType: 'application/yaml; charset=utf-8', text: doc.toString({ lineWidth: 0 }) };
}

export const envoyFeed: FeedFormat = { name: 'envoy', render: renderEnvoy };
