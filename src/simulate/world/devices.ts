// The client programs of the simulated world and the user agents they announce. Which real HTTP
// client sends a visit's bytes follows from the app: browsers are played by fetch (undici), the
// mobile app and services by node:http, cron jobs by curl, scrapers by python3's urllib.
import type { Rng } from '../prng';

export type ClientKind = 'fetch' | 'node-http' | 'curl' | 'python-urllib';

export type OsFamily = 'windows' | 'macos' | 'linux' | 'android' | 'ios';

export interface Device {
  readonly app: 'web' | 'mobile' | 'portal' | 'service' | 'tool';
  readonly client: ClientKind;
  /** User-Agent header; null lets the client send its own (curl, urllib). */
  readonly userAgent: string | null;
  readonly os: OsFamily;
}

const BROWSERS: readonly (readonly [string, OsFamily])[] = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', 'windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.2277.128', 'windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0', 'windows'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15', 'macos'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', 'macos'],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0', 'linux'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'linux'],
];

const PHONES: readonly (readonly [string, OsFamily])[] = [
  ['CarWorks/5.3.1 (Android 14; Pixel 8) okhttp/4.12.0', 'android'],
  ['CarWorks/5.3.1 (Android 13; SM-S911B) okhttp/4.12.0', 'android'],
  ['CarWorks/5.2.0 (Android 12; SM-A525F) okhttp/4.10.0', 'android'],
  ['CarWorks/5.3.1 (iPhone; iOS 17.3.1; Scale/3.00)', 'ios'],
  ['CarWorks/5.3.0 (iPhone; iOS 16.7.5; Scale/2.00)', 'ios'],
  ['CarWorks/5.1.4 (iPad; iOS 17.2; Scale/2.00)', 'ios'],
];

/** User agents attack tools announce when they do not hide. */
export const TOOL_AGENTS: readonly string[] = [
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
  'sqlmap/1.7.2#stable (https://sqlmap.org)',
  'Hydra',
  'axios/1.6.7',
  'okhttp/4.9.3',
];

export function browser(rng: Rng): Device {
  const [userAgent, os] = rng.pick(BROWSERS);
  return { app: 'web', client: 'fetch', userAgent, os };
}

export function phone(rng: Rng): Device {
  const [userAgent, os] = rng.pick(PHONES);
  return { app: 'mobile', client: 'node-http', userAgent, os };
}

/** A browser user agent an attacker copies to blend in. */
export function mimicAgent(rng: Rng): string {
  return rng.pick([...BROWSERS.map(([ua]) => ua), ...PHONES.map(([ua]) => ua)]);
}

/** IP TTL as the sensor sees it: the OS's initial TTL less the hops on the way. */
export function observedTtl(os: OsFamily, hops: number): number {
  return (os === 'windows' ? 128 : 64) - hops;
}
