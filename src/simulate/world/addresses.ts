// Simulated source addresses. Public-looking ranges stand for the networks a real API sees:
// residential ISPs of several countries, mobile carriers, partner clouds, hosting and VPS providers
// and Tor exits (the /16s are real allocations of such networks, so an offline ASN/country database
// gives them a plausible owner); offices and the company's VPN use documentation ranges
// (RFC 5737) and internal services private ones (RFC 1918). Nothing is ever sent to them: they only
// appear in the synthesized pcap.
import type { Rng } from '../prng';

export interface Network {
  readonly kind: 'residential' | 'mobile' | 'cloud' | 'hosting' | 'tor' | 'office' | 'internal';
  /** ISO country code of the network (a hint for readers; the sensor uses its own database). */
  readonly country: string;
  /** Typical UTC offset of the people behind it. */
  readonly utcOffset: number;
  /** Leading octets: two for a /16, three for a /24. */
  readonly prefixes: readonly string[];
}

export const RESIDENTIAL: readonly Network[] = [
  { kind: 'residential', country: 'US', utcOffset: -5, prefixes: ['73.162', '98.207', '71.59', '24.21', '108.41'] },
  { kind: 'residential', country: 'US', utcOffset: -8, prefixes: ['76.102', '67.169', '98.51'] },
  { kind: 'residential', country: 'DE', utcOffset: 1, prefixes: ['84.160', '91.64', '87.123'] },
  { kind: 'residential', country: 'GB', utcOffset: 0, prefixes: ['86.144', '81.98', '92.24'] },
  { kind: 'residential', country: 'FR', utcOffset: 1, prefixes: ['90.45', '82.64', '86.246'] },
  { kind: 'residential', country: 'IN', utcOffset: 5.5, prefixes: ['49.36', '117.213'] },
];

export const MOBILE: readonly Network[] = [
  { kind: 'mobile', country: 'US', utcOffset: -5, prefixes: ['172.56', '174.205'] },
  { kind: 'mobile', country: 'DE', utcOffset: 1, prefixes: ['80.187'] },
  { kind: 'mobile', country: 'GB', utcOffset: 0, prefixes: ['92.40'] },
];

export const CLOUD: Network = { kind: 'cloud', country: 'US', utcOffset: 0, prefixes: ['3.120', '52.14', '54.201', '34.102', '20.42'] };

export const HOSTING: readonly Network[] = [
  { kind: 'hosting', country: 'US', utcOffset: 0, prefixes: ['159.89', '167.99', '45.76'] },
  { kind: 'hosting', country: 'DE', utcOffset: 0, prefixes: ['95.216', '88.198'] },
  { kind: 'hosting', country: 'FR', utcOffset: 0, prefixes: ['51.75'] },
  { kind: 'hosting', country: 'NL', utcOffset: 0, prefixes: ['185.107'] },
  { kind: 'hosting', country: 'RU', utcOffset: 3, prefixes: ['91.240', '185.250'] },
  { kind: 'hosting', country: 'CN', utcOffset: 8, prefixes: ['47.242', '121.40'] },
];

export const TOR: Network = { kind: 'tor', country: 'DE', utcOffset: 0, prefixes: ['185.220.101', '185.220.100'] };

/** Office NATs of customer companies and the operator's own office and VPN. */
export const OFFICE: Network = { kind: 'office', country: 'US', utcOffset: 0, prefixes: ['203.0.113', '198.51.100'] };
export const INTERNAL: Network = { kind: 'internal', country: '--', utcOffset: 0, prefixes: ['10.12.4', '10.12.9'] };

/** The API as the mirror sees it: a plain-HTTP backend behind the TLS terminator. */
export const SERVER_IP = '10.40.0.21';
export const SERVER_PORT = 80;
export const API_HOST = 'api.carworks.example';

/** Hands out distinct addresses, so two actors share one only when the world says so (a NAT). */
export class AddressPool {
  private readonly used = new Set<string>([SERVER_IP]);

  constructor(private readonly rng: Rng) {}

  take(network: Network): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const prefix = this.rng.pick(network.prefixes);
      const octets = prefix.split('.').length;
      const rest = octets === 2 ? `${this.rng.int(0, 255)}.${this.rng.int(1, 254)}` : `${this.rng.int(2, 254)}`;
      const ip = `${prefix}.${rest}`;
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
    throw new Error(`address pool of ${network.kind} exhausted`);
  }

  /** Marks an address as taken (one another pool handed out). */
  reserve(ip: string): void {
    this.used.add(ip);
  }

  /** An address from a random network of the list. */
  takeFrom(networks: readonly Network[]): string {
    return this.take(this.rng.pick(networks));
  }
}
