// Inventory events → Findings (issue 5 part 4). The inventory reports endpoints and exposures, not
// actors, so these findings carry no identity or client: they dedupe per endpoint, are not bound by
// the per-identity rate, and the playbook can only recommend observing. The client and server of
// the transaction that surfaced the event go into the evidence when the caller knows them.
//
// What the event does not carry (the caller passes it as `InventoryEventContext`):
// - spec status (shadow / zombie / drift): the inventory classifies endpoints at flush time, after
//   `new-endpoint` was emitted; pass the status, drift items and zombie reason from `diffInventory`
//   (or the stored row's `specStatus`) when known. Without a status a new endpoint is not a finding.
// - client / server / status code of the transaction, for the evidence.
import type { DriftItem } from '../inventory/openapi/types';
import type { InventoryEvent } from '../inventory/types';
import type { EndpointRef, EvidenceItem, ExplanationFactor, Finding } from './types';

export const INVENTORY_DETECTORS = {
  shadow: 'inventory.shadow-endpoint',
  zombie: 'inventory.zombie-endpoint',
  sensitive: 'inventory.sensitive-data',
  credentialInUrl: 'inventory.credential-in-url',
  drift: 'inventory.spec-drift',
  otherVersion: 'inventory.other-api-version',
} as const;

export interface InventoryEventContext {
  /** The endpoint's status against the specs: documented, shadow, zombie, drift, unknown. */
  readonly specStatus?: string;
  /** Zombie: removed from the newest spec version, or still there but deprecated. */
  readonly zombie?: { readonly reason: 'deprecated' | 'removed'; readonly lastVersion?: string; readonly removedIn?: string };
  /** Shadow: the path is a spec operation under another API version (`/api/v2` where the spec serves `/api/v3`). */
  readonly otherVersion?: { readonly seen: string; readonly specBase: string; readonly operation: string; readonly apiVersion: string };
  /** Drift (and a deprecated zombie's) differences from the spec operation. */
  readonly drift?: readonly DriftItem[];
  /** Client IP and server `ip:port` of the transaction that produced the event. */
  readonly client?: string;
  readonly server?: string;
  readonly status?: number;
  /** Sensitive kinds already seen on this endpoint (raise the severity of shadow/zombie/drift). */
  readonly sensitiveKinds?: readonly string[];
}

/**
 * Scores per sensitive kind: how bad it is for an endpoint to return it. The policy raises the
 * severity once more for the kinds in `alerting.sensitiveKinds`, so a card number in a response is
 * high (0.6 → medium, raised) and an email is low.
 */
const KIND_SCORES: Readonly<Record<string, number>> = {
  card: 0.6,
  ssn: 0.6,
  'national-id': 0.6,
  iban: 0.55,
  secret: 0.6,
  'credential-field': 0.55,
  'sensitive-field': 0.45,
  jwt: 0.3,
  email: 0.35,
  phone: 0.35,
  'private-ip': 0.25,
};
const UNKNOWN_KIND_SCORE = 0.4;
/** An exposure on an endpoint no spec documents (or one it removed) is worse. */
const UNDOCUMENTED_EXPOSURE_BONUS = 0.15;
/**
 * A credential in a URL: certain, but exploited only by whoever reads the logs, proxies or history
 * that keep URLs (CWE-598), so medium on its own. The policy raises it to high when the value is a
 * credential by format (`jwt`, `secret`: a vendor key) and those kinds are in `alerting.sensitiveKinds`
 * (the default); a value named a credential (`password=`, `api_key=`) stays medium.
 */
const CREDENTIAL_IN_URL_SCORE = 0.6;

/** Drift items scored by kind: auth missing where the spec requires it is the worst. */
const DRIFT_SCORES: Readonly<Record<string, number>> = { auth: 0.8, param: 0.5, 'param-type': 0.4, status: 0.3 };
/** Drift of a kind not listed above, or drift reported without its items. */
const DEFAULT_DRIFT_SCORE = 0.4;
const SHADOW_SCORE = 0.6;
const ZOMBIE_REMOVED_SCORE = 0.8;
const ZOMBIE_DEPRECATED_SCORE = 0.6;
/** Drift items listed in the explanation. */
const MAX_DRIFT_FACTORS = 10;

export function findingsFromInventoryEvent(event: InventoryEvent, ctx: InventoryEventContext = {}): Finding[] {
  const endpoint: EndpointRef = { host: event.host, method: event.method, template: event.template };
  // what the event carries itself (client, server, status, spec detail) fills in the context
  const full: InventoryEventContext = {
    ...(event.client !== undefined ? { client: event.client } : {}),
    ...(event.server !== undefined ? { server: event.server } : {}),
    ...(event.httpStatus !== undefined ? { status: event.httpStatus } : {}),
    ...(event.sensitiveKinds ? { sensitiveKinds: event.sensitiveKinds } : {}),
    ...ctx,
  };
  switch (event.event) {
    case 'new-endpoint':
      return findingsForSpecStatus(endpoint, event.ts, full);
    case 'spec-status':
      return findingsForSpecStatus(endpoint, event.ts, {
        ...full,
        ...(event.status !== undefined ? { specStatus: event.status } : {}),
        ...(event.specDetail?.drift ? { drift: event.specDetail.drift } : {}),
        ...(event.specDetail?.zombie ? { zombie: event.specDetail.zombie } : {}),
        ...(event.specDetail?.otherVersion ? { otherVersion: event.specDetail.otherVersion } : {}),
      });
    case 'new-sensitive-data':
      return [sensitiveDataFinding(event, endpoint, full)];
    case 'credential-in-url':
      return [credentialInUrlFinding(event, endpoint, full)];
    case 'spec-binding':
    case 'spec-unbound':
      // which spec describes which host: logged and shown by `tapwatch specs`, not an alert
      return [];
  }
}

/** A finding for an endpoint that is shadow, zombie or drifting; none for documented or unknown. */
export function findingsForSpecStatus(endpoint: EndpointRef, ts: number, ctx: InventoryEventContext): Finding[] {
  const where = `${endpoint.method} ${endpoint.host}${endpoint.template}`;
  const base = {
    ts,
    endpoint,
    ...(ctx.sensitiveKinds?.length ? { sensitiveKinds: ctx.sensitiveKinds } : {}),
  };
  const kindsFactor: ExplanationFactor[] = ctx.sensitiveKinds?.length ? [{ name: 'sensitiveKinds', value: ctx.sensitiveKinds.join(',') }] : [];
  switch (ctx.specStatus) {
    case 'shadow':
      if (ctx.otherVersion) {
        const v = ctx.otherVersion;
        return [
          {
            ...base,
            detector: INVENTORY_DETECTORS.otherVersion,
            // an old version still answering usually lacks the fixes and checks of the current one
            score: ZOMBIE_REMOVED_SCORE,
            explanation: {
              summary: `${where} is ${v.operation} of API version ${v.seen}, still answering; the spec describes ${v.specBase} (version ${v.apiVersion}).`,
              factors: [
                { name: 'specStatus', value: 'shadow', baseline: 'documented' },
                { name: 'apiVersion', value: v.seen, baseline: v.specBase },
                ...kindsFactor,
              ],
            },
            evidence: [evidenceOf(endpoint, ts, ctx, `first call of ${v.seen}${v.operation.slice(v.operation.indexOf(' ') + 1)}`)],
          },
        ];
      }
      return [
        {
          ...base,
          detector: INVENTORY_DETECTORS.shadow,
          score: SHADOW_SCORE,
          explanation: {
            summary: `${where} serves traffic but no configured OpenAPI spec documents it.`,
            factors: [{ name: 'specStatus', value: 'shadow', baseline: 'documented' }, ...kindsFactor],
          },
          evidence: [evidenceOf(endpoint, ts, ctx, 'first call of an undocumented endpoint')],
        },
      ];
    case 'zombie': {
      const removed = ctx.zombie?.reason === 'removed';
      const version = removed ? ctx.zombie?.removedIn : ctx.zombie?.lastVersion;
      const summary = removed
        ? `${where} still serves traffic although the spec removed it${version ? ` in version ${version}` : ''}.`
        : `${where} still serves traffic although the spec deprecates it${version ? ` (version ${version})` : ''}.`;
      return [
        {
          ...base,
          detector: INVENTORY_DETECTORS.zombie,
          score: removed ? ZOMBIE_REMOVED_SCORE : ZOMBIE_DEPRECATED_SCORE,
          explanation: {
            summary,
            factors: [
              { name: 'specStatus', value: 'zombie', baseline: 'documented' },
              { name: 'zombieReason', value: ctx.zombie?.reason ?? 'unknown' },
              ...(version ? [{ name: removed ? 'removedIn' : 'lastVersion', value: version }] : []),
              ...kindsFactor,
            ],
          },
          evidence: [evidenceOf(endpoint, ts, ctx, `call of a ${removed ? 'removed' : 'deprecated'} endpoint`)],
        },
      ];
    }
    case 'drift': {
      const items = ctx.drift ?? [];
      const score = Math.max(0, ...items.map((d) => DRIFT_SCORES[d.kind] ?? DEFAULT_DRIFT_SCORE)) || DEFAULT_DRIFT_SCORE;
      const shown = items.slice(0, MAX_DRIFT_FACTORS);
      return [
        {
          ...base,
          detector: INVENTORY_DETECTORS.drift,
          score,
          explanation: {
            summary: items.length
              ? `${where} differs from its spec: ${shown.map((d) => d.what).join(', ')}${items.length > shown.length ? ` and ${items.length - shown.length} more` : ''}.`
              : `${where} differs from its spec operation.`,
            factors: [
              { name: 'specStatus', value: 'drift', baseline: 'documented' },
              ...shown.map((d) => ({ name: `drift.${d.kind}`, value: d.what, baseline: d.detail })),
              ...kindsFactor,
            ],
          },
          evidence: [evidenceOf(endpoint, ts, ctx, items[0] ? `drift ${items[0].what}` : 'drift from the spec')],
        },
      ];
    }
    default:
      return [];
  }
}

function sensitiveDataFinding(event: InventoryEvent, endpoint: EndpointRef, ctx: InventoryEventContext): Finding {
  const kind = event.kind ?? 'unknown';
  const undocumented = ctx.specStatus === 'shadow' || ctx.specStatus === 'zombie';
  const score = Math.min(1, (KIND_SCORES[kind] ?? UNKNOWN_KIND_SCORE) + (undocumented ? UNDOCUMENTED_EXPOSURE_BONUS : 0));
  const where = whereFound(event);
  const kinds = new Set([kind, ...(ctx.sensitiveKinds ?? [])]);
  return {
    detector: INVENTORY_DETECTORS.sensitive,
    ts: event.ts,
    score,
    endpoint,
    sensitiveKinds: [...kinds],
    explanation: {
      summary: `${endpoint.method} ${endpoint.host}${endpoint.template} returns ${kind} data in its ${where}${undocumented ? ` and is ${ctx.specStatus} (not in the current spec)` : ''}${matchedBy(event)}.`,
      factors: [
        { name: 'kind', value: kind },
        ...matchFactors(event),
        ...(ctx.specStatus ? [{ name: 'specStatus', value: ctx.specStatus }] : []),
      ],
    },
    evidence: [evidenceOf(endpoint, event.ts, ctx, `${kind} in ${where}${sampleNote(event)}`)],
  };
}

function credentialInUrlFinding(event: InventoryEvent, endpoint: EndpointRef, ctx: InventoryEventContext): Finding {
  const kind = event.kind ?? 'credential-field';
  const param = event.field ?? '?';
  const what = kind === 'jwt' ? 'a JWT' : kind === 'secret' ? 'a key' : 'a credential';
  const kinds = new Set([kind, ...(ctx.sensitiveKinds ?? [])]);
  return {
    detector: INVENTORY_DETECTORS.credentialInUrl,
    ts: event.ts,
    score: CREDENTIAL_IN_URL_SCORE,
    endpoint,
    sensitiveKinds: [...kinds],
    explanation: {
      summary:
        `${endpoint.method} ${endpoint.host}${endpoint.template} takes ${what} in its URL (query parameter ${param}` +
        `${event.rule !== undefined ? `, rule ${event.rule}` : ''}${event.sample !== undefined ? `, sample ${event.sample}` : ''}): ` +
        'proxies, access logs and browser history keep URLs, so move it to a header and rotate it.',
      factors: [
        { name: 'kind', value: kind },
        ...matchFactors(event),
        { name: 'why', value: 'URLs are kept by proxies, load balancers, server access logs, browser history and Referer headers' },
        { name: 'remedy', value: 'send the credential in a header (Authorization or an API-key header) and rotate the values already sent' },
        ...(ctx.specStatus ? [{ name: 'specStatus', value: ctx.specStatus }] : []),
      ],
    },
    evidence: [evidenceOf(endpoint, event.ts, ctx, `${kind} in query parameter ${param}${sampleNote(event)}`)],
  };
}

/** `response body field user.ssn`, `response text/html body`, `request query parameter token`. */
function whereFound(event: InventoryEvent): string {
  const direction = event.direction ?? 'response';
  const field = event.field ?? '?';
  switch (event.location ?? 'body') {
    case 'body':
      // a whole HTML or text body, not a field of it
      if (field === '(body)' && event.bodyKind !== 'json') return `${direction} ${event.contentType ?? event.bodyKind ?? 'text'} body`;
      return `${direction} ${event.bodyKind === 'form' ? 'form' : 'body'} field ${field}`;
    case 'query':
      return `${direction} query parameter ${field}`;
    default:
      return `${direction} ${event.location ?? ''} ${field}`;
  }
}

/** `; matched by rule luhn-card (sample 4111…, 19 chars)`, or nothing for events of older builds. */
function matchedBy(event: InventoryEvent): string {
  if (event.rule === undefined) return '';
  return `; matched by rule ${event.rule}${event.sample !== undefined ? ` (sample ${event.sample})` : ''}`;
}

function sampleNote(event: InventoryEvent): string {
  return event.rule === undefined ? '' : ` (${event.rule}${event.sample !== undefined ? `: ${event.sample}` : ''})`;
}

function matchFactors(event: InventoryEvent): ExplanationFactor[] {
  const f: ExplanationFactor[] = [];
  const add = (name: string, value: string | undefined): void => {
    if (value !== undefined) f.push({ name, value });
  };
  add('direction', event.direction);
  f.push({ name: 'location', value: event.location ?? 'body' });
  f.push({ name: 'field', value: event.field ?? '?' });
  add('rule', event.rule);
  add('sample', event.sample);
  add('bodyKind', event.bodyKind);
  add('contentType', event.contentType);
  return f;
}

function evidenceOf(endpoint: EndpointRef, ts: number, ctx: InventoryEventContext, note: string): EvidenceItem {
  return {
    ts,
    client: ctx.client ?? '',
    server: ctx.server ?? endpoint.host,
    method: endpoint.method,
    target: endpoint.template,
    ...(ctx.status !== undefined ? { status: ctx.status } : {}),
    note,
  };
}
