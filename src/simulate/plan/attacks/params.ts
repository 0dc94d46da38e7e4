// The knobs of an attack and their defaults. `--attack TYPE:key=value,...` sets any of them; the
// default week draws a handful of each type at varied intensities and stealth.
import { ATTACK_TYPES, type AttackType } from '../../../core/scenario-labels';
import type { Rng } from '../../prng';

export const INTENSITIES = ['low', 'medium', 'high'] as const;
export type Intensity = (typeof INTENSITIES)[number];
export const STEALTH = ['none', 'slow', 'spread', 'mimic'] as const;
export type Stealth = (typeof STEALTH)[number];

/** Variants an attack type knows (the first is the default). */
export const VARIANTS: Readonly<Record<AttackType, readonly string[]>> = {
  'credential-stuffing': ['login'],
  'brute-force': ['fails', 'succeeds'],
  'token-abuse': ['stolen-token', 'expired-token', 'key-misuse'],
  'bulk-pull': ['pages', 'many-small'],
  enumeration: ['orders', 'reports', 'vehicles'],
  scraping: ['catalogue', 'community'],
  injection: ['mixed', 'sqli', 'xss', 'traversal', 'command', 'ssrf', 'template', 'nosql'],
  'mass-assignment': ['mixed'],
  spike: ['flood'],
};

export interface AttackParams {
  readonly type: AttackType;
  readonly intensity: Intensity;
  /** How long the attack lasts, minutes. */
  readonly duration: number;
  /** Source IPs. */
  readonly sources: number;
  readonly stealth: Stealth;
  readonly variant: string;
  /** Scenario day and UTC hour of the start; drawn when absent. */
  readonly day: number | null;
  readonly hour: number | null;
}

/** Requests (or attempts) per attack at each intensity; duration and sources follow from them. */
const SIZE: Readonly<Record<AttackType, readonly [number, number, number]>> = {
  'credential-stuffing': [150, 800, 2500],
  'brute-force': [40, 250, 1200],
  'token-abuse': [12, 40, 150],
  'bulk-pull': [800, 3000, 9000],
  enumeration: [60, 400, 1500],
  scraping: [200, 1200, 4000],
  injection: [15, 80, 300],
  'mass-assignment': [3, 10, 30],
  spike: [600, 3000, 8000],
};

/** Default duration, minutes, by intensity. */
const DURATION: Readonly<Record<AttackType, readonly [number, number, number]>> = {
  'credential-stuffing': [180, 45, 25],
  'brute-force': [240, 40, 20],
  'token-abuse': [60, 45, 30],
  'bulk-pull': [120, 90, 60],
  enumeration: [240, 60, 25],
  scraping: [360, 120, 60],
  injection: [90, 30, 15],
  'mass-assignment': [40, 30, 20],
  spike: [1, 1.5, 2],
};

export function attackSize(p: AttackParams): number {
  return SIZE[p.type][INTENSITIES.indexOf(p.intensity)] ?? 1;
}

function defaultSources(type: AttackType, stealth: Stealth, rng: Rng): number {
  if (stealth === 'spread') return type === 'credential-stuffing' ? rng.int(40, 150) : rng.int(8, 30);
  if (type === 'credential-stuffing') return rng.int(1, 4);
  if (type === 'brute-force' || type === 'scraping') return rng.int(1, 2);
  return 1;
}

export function withDefaults(type: AttackType, given: Partial<Record<keyof AttackParams, string>>, rng: Rng): AttackParams {
  const intensity = (given.intensity as Intensity | undefined) ?? rng.pick(INTENSITIES);
  const stealth = (given.stealth as Stealth | undefined) ?? 'none';
  const index = INTENSITIES.indexOf(intensity);
  const slow = stealth === 'slow' ? 4 : 1;
  return {
    type, intensity, stealth,
    duration: given.duration !== undefined ? Number(given.duration) : (DURATION[type][index] ?? 30) * slow,
    sources: given.sources !== undefined ? Number(given.sources) : defaultSources(type, stealth, rng),
    variant: given.variant ?? VARIANTS[type][0] ?? 'default',
    day: given.day !== undefined ? Number(given.day) : null,
    hour: given.hour !== undefined ? Number(given.hour) : null,
  };
}

export class AttackSpecError extends Error {
  override readonly name = 'AttackSpecError';
}

const KEYS = ['intensity', 'duration', 'sources', 'stealth', 'variant', 'day', 'hour'] as const;

/** `TYPE` or `TYPE:key=value,key=value`; throws AttackSpecError with a sentence when it is wrong. */
export function parseAttackSpec(text: string): { type: AttackType; given: Partial<Record<keyof AttackParams, string>> } {
  const colon = text.indexOf(':');
  const type = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!(ATTACK_TYPES as readonly string[]).includes(type)) throw new AttackSpecError(`unknown attack type "${type}" (known: ${ATTACK_TYPES.join(', ')})`);
  const attackType = type as AttackType;
  const given: Partial<Record<keyof AttackParams, string>> = {};
  if (colon < 0) return { type: attackType, given };
  for (const pair of text.slice(colon + 1).split(',').filter((p) => p.trim() !== '')) {
    const [rawKey, ...rest] = pair.split('=');
    const key = (rawKey ?? '').trim();
    const value = rest.join('=').trim();
    if (!(KEYS as readonly string[]).includes(key)) throw new AttackSpecError(`unknown attack parameter "${key}" in "${text}" (known: ${KEYS.join(', ')})`);
    const ok =
      key === 'intensity' ? (INTENSITIES as readonly string[]).includes(value)
      : key === 'stealth' ? (STEALTH as readonly string[]).includes(value)
      : key === 'variant' ? VARIANTS[attackType].includes(value)
      : key === 'sources' ? Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 1000
      : key === 'day' ? Number.isInteger(Number(value)) && Number(value) >= 0
      : key === 'hour' ? value !== '' && Number(value) >= 0 && Number(value) < 24
      : value !== '' && Number(value) > 0 && Number(value) <= 7 * 24 * 60;
    if (!ok) throw new AttackSpecError(`bad value "${value}" for ${key} in "${text}"${key === 'variant' ? ` (${attackType} knows: ${VARIANTS[attackType].join(', ')})` : ''}`);
    given[key as keyof AttackParams] = value;
  }
  return { type: attackType, given };
}

/** The params as they go into the labels. */
export function labelParams(p: AttackParams, extra: Record<string, number | string | boolean> = {}): Record<string, number | string | boolean> {
  return { intensity: p.intensity, duration: p.duration, sources: p.sources, stealth: p.stealth, variant: p.variant, ...extra };
}
