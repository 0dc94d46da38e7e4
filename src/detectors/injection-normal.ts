// What each endpoint's parameters normally carry: per (endpoint, parameter, rule), how many requests
// matched the rule and from how many distinct identities. A parameter that many identities fill
// with text matching a rule, in a fair share of the endpoint's calls (a CMS body that is HTML, a
// query-builder field that is SQL, a webhook field that names internal hosts), has that rule as its
// normal, and the detector lowers the rule's weight there. One identity alone never teaches it: an
// attacker repeating a payload stays one identity. Bounded: past `maxEntries`, new keys are counted
// in an overflow counter and not kept.

/** How sure we are that a rule is normal for a parameter. */
export interface NormalUse {
  /** Requests whose parameter matched the rule. */
  readonly hits: number;
  /** Distinct identities among them (counted up to the threshold). */
  readonly identities: number;
  /** hits / the endpoint's requests. */
  readonly share: number;
}

export interface NormalOptions {
  readonly maxEntries: number;
  readonly minHits: number;
  readonly minIdentities: number;
  readonly minShare: number;
}

interface Entry {
  hits: number;
  /** Hashes of the first distinct identities, up to minIdentities. */
  readonly ids: number[];
}

export class ParamNormal {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: NormalOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Counts one request whose parameter matched a rule; false when the table is full (not kept). */
  observe(key: string, identity: number): boolean {
    let e = this.entries.get(key);
    if (e === undefined) {
      if (this.entries.size >= this.options.maxEntries) return false;
      e = { hits: 0, ids: [] };
      this.entries.set(key, e);
    }
    e.hits++;
    if (e.ids.length < this.options.minIdentities && !e.ids.includes(identity)) e.ids.push(identity);
    return true;
  }

  /** How the rule is used on the parameter (share of `endpointRequests`); zeros when never seen. */
  use(key: string, endpointRequests: number): NormalUse {
    const e = this.entries.get(key);
    if (e === undefined) return { hits: 0, identities: 0, share: 0 };
    return { hits: e.hits, identities: e.ids.length, share: endpointRequests > 0 ? Math.min(1, e.hits / endpointRequests) : 0 };
  }

  /** Normal: enough requests, enough identities, a large enough share. */
  isNormal(use: NormalUse): boolean {
    const o = this.options;
    return use.hits >= o.minHits && use.identities >= o.minIdentities && use.share >= o.minShare;
  }
}

/** The key of a (endpoint, parameter, rule). */
export function normalKey(endpoint: string, location: string, param: string, rule: string): string {
  return `${endpoint}\u0000${location}:${param}\u0000${rule}`;
}
