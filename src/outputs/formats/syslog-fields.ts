// Syslog vocabulary shared by the RFC 5424 formatter, the config schema and CEF: default header fields,
// the SD-ID syntax, facility names and codes (RFC 5424 §6.2.1, names as rsyslog/syslog-ng spell them)
// and the mapping from our Severity to syslog severities (§6.2.1 table 2).
import type { Severity } from '../../alerting/types';

/**
 * Default SD-ID. 32473 is the enterprise number IANA reserves for documentation (RFC 5612); an
 * operator with its own Private Enterprise Number sets `sdId` in the destination's config.
 */
export const DEFAULT_SD_ID = 'tapwatch@32473';
export const DEFAULT_APP_NAME = 'tapwatch';

/** SD-ID (§6.3.2): 1–32 PRINTUSASCII except `=`, SP, `]`, `"`; private ones are `name@enterprise-number`. */
export const SD_ID_PATTERN = /^[!#-<>-\\^-~]{1,32}$/;

export const FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  security: 13,
  console: 14,
  'solaris-cron': 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

export type FacilityName = keyof typeof FACILITIES;

export const FACILITY_NAMES = Object.keys(FACILITIES) as [FacilityName, ...FacilityName[]];

/** Syslog severity codes: 2 crit, 3 err, 4 warning, 5 notice, 6 info. */
export const SYSLOG_SEVERITY: Readonly<Record<Severity, number>> = {
  critical: 2,
  high: 3,
  medium: 4,
  low: 5,
  info: 6,
};

/** PRI = facility × 8 + severity (RFC 5424 §6.2.1). */
export function syslogPri(facility: number, severity: Severity): number {
  return facility * 8 + SYSLOG_SEVERITY[severity];
}
