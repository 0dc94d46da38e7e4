// Per-destination filter: which alerts a destination wants. Empty lists mean "all".
import type { Alert } from '../../alerting/types';
import { SEVERITIES } from '../../alerting/types';
import type { DestinationFilter } from '../types';

/**
 * True when `alert` is at least `minSeverity`, its type is one of `detectors`, and its endpoint host
 * is one of `hosts` (case-insensitive; `*.example.com` matches any subdomain, not the bare domain).
 * An alert without an endpoint passes a host list only when the list is empty.
 */
export function matchesFilter(filter: DestinationFilter, alert: Alert): boolean {
  if (SEVERITIES.indexOf(alert.severity) < SEVERITIES.indexOf(filter.minSeverity)) return false;
  if (filter.detectors.length > 0 && !filter.detectors.includes(alert.type)) return false;
  if (filter.hosts.length > 0) {
    const host = alert.endpoint?.host.toLowerCase();
    if (host === undefined || !filter.hosts.some((pattern) => hostMatches(pattern.toLowerCase(), host))) return false;
  }
  return true;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}
