// ASN and country of client IPs from offline MaxMind-format databases (GeoLite2-ASN,
// GeoLite2-Country or compatible .mmdb files, read with mmdb-lib). A private, loopback, link-local
// or shared address has none and is not looked up; without a configured database there is no geo
// and nothing is counted. Lookups run once per new (identity, IP) pair, behind a bounded cache.
import { readFileSync } from 'node:fs';
import { Reader, type AsnResponse, type CountryResponse } from 'mmdb-lib';
import { parseAddress, parseRange, rangeContains, type AddressRange } from '../core/address-match';
import type { Counters } from '../core/counters';
import type { GeoConfig } from './config';

export interface GeoInfo {
  readonly asn?: number;
  readonly asOrg?: string;
  readonly country?: string;
}

const NONE: GeoInfo = Object.freeze({});
export const C_GEO_CACHE_RESET = 'identity.geo.cache_reset';

const NOT_PUBLIC: readonly AddressRange[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10',
].map((cidr) => parseRange(cidr) as AddressRange);

/** True for addresses no geo database can place (private, loopback, link-local, shared, unspecified). */
export function isNonPublicAddress(ip: string): boolean {
  const bytes = parseAddress(ip);
  return bytes === null || NOT_PUBLIC.some((r) => rangeContains(r, bytes));
}

export class GeoError extends Error {
  override readonly name = 'GeoError';
}

function openReader<T extends AsnResponse | CountryResponse>(file: string, key: string): Reader<T> | null {
  if (file === '') return null;
  try {
    return new Reader<T>(readFileSync(file));
  } catch (err) {
    throw new GeoError(`identity.geo.${key} ${file}: cannot be read as a MaxMind database (${(err as Error).message}); give a GeoLite2 .mmdb file or leave it empty`);
  }
}

export class GeoLookup {
  private readonly asn: Reader<AsnResponse> | null;
  private readonly country: Reader<CountryResponse> | null;
  private readonly cache = new Map<string, GeoInfo>();

  /** Throws GeoError naming the key and file when a configured database cannot be read. */
  constructor(
    private readonly config: Readonly<GeoConfig>,
    private readonly counters: Counters,
  ) {
    this.asn = openReader<AsnResponse>(config.asnDatabase, 'asnDatabase');
    this.country = openReader<CountryResponse>(config.countryDatabase, 'countryDatabase');
  }

  get enabled(): boolean {
    return this.asn !== null || this.country !== null;
  }

  lookup(ip: string): GeoInfo {
    if (!this.enabled) return NONE;
    const known = this.cache.get(ip);
    if (known !== undefined) return known;
    const info = isNonPublicAddress(ip) ? NONE : this.read(ip);
    if (this.cache.size >= this.config.maxCachedAddresses) {
      this.cache.clear();
      this.counters.inc(C_GEO_CACHE_RESET);
    }
    this.cache.set(ip, info);
    return info;
  }

  private read(ip: string): GeoInfo {
    const a = this.asn?.get(ip) ?? null;
    const c = this.country?.get(ip) ?? null;
    const iso = c?.country?.iso_code ?? c?.registered_country?.iso_code;
    const info: { asn?: number; asOrg?: string; country?: string } = {};
    if (a && typeof a.autonomous_system_number === 'number') info.asn = a.autonomous_system_number;
    if (a && typeof a.autonomous_system_organization === 'string') info.asOrg = a.autonomous_system_organization;
    if (typeof iso === 'string') info.country = iso;
    return info.asn === undefined && info.country === undefined ? NONE : info;
  }
}
