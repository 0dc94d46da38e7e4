// `tapwatch baseline IDENTITY|IP|TEMPLATE [--db FILE] [--format text|json]`: what the behaviour
// baselines learned about an identity (`user:alice`, `key:3f2a9c1b`, `ip:10.0.0.5`), a client IP or an
// endpoint template (`/users/{id:int}`, `GET /users/{id:int}`, `GET api.example.com/users/{id:int}`),
// in words an analyst reads, or as JSON. Not found, or no database: one plain sentence, exit 1.
import { safeJsonStringify } from '../core/escape-control';
import type { Command } from 'commander';
import { countBaselines, findBaselines, similarKeys } from '../features/baseline-store';
import { decodeBounds } from '../features/stage';
import { summarizeBaseline, type BaselineSummary, type SourceSummary } from '../features/summary';
import type { RobustSummary } from '../features/robust';
import { resolveConfig, type CommonOptions } from './options';
import { openStateDatabase } from './stored-map';
import { CliFailure, UsageError } from './usage-error';

export interface BaselineOptions extends CommonOptions {
  db?: string;
  format: string;
}

/** Adds `baseline` to the program; `settle` turns the command's result or error into the exit code. */
export function registerBaseline(program: Command, settle: (run: Promise<number>) => void): void {
  program
    .command('baseline')
    .description('what was learned about an identity, a client IP or an endpoint template (from replay --db or run)')
    .argument('<what>', 'identity (user:alice, key:3f2a9c1b, ip:10.0.0.5), client IP, or template (/users/{id}, "GET /users/{id}")')
    .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
    .option('-c, --config <file>', 'YAML config file')
    .option('--format <format>', 'text or json', 'text')
    .action((what: string, opts: BaselineOptions) => settle(Promise.resolve().then(() => baselineCommand(what, opts))));
}

export function baselineCommand(what: string, opts: BaselineOptions): number {
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format ${opts.format}: give text or json`);
  const config = resolveConfig(opts);
  const opened = openStateDatabase(opts.db, config.store.path);
  if (!opened) return 1;
  const { db, file } = opened;
  try {
    const found = findBaselines(db, what.trim(), decodeBounds(config.features));
    if (found.baselines.length === 0) {
      if (countBaselines(db) === 0) throw new CliFailure(`${file} holds no baselines yet; replay traffic into it with 'tapwatch replay --db ${file} FILE' (features.enabled) first`);
      const similar = similarKeys(db, what.trim(), 3);
      const hint = similar.length > 0 ? `did you mean ${similar.map((k) => `"${k}"`).join(' or ')}?` : 'name an identity (user:alice, ip:10.0.0.5), a client IP or a template (/users/{id})';
      throw new CliFailure(`no baseline for "${what}" in ${file}; ${hint}`);
    }
    const { learningPeriodSec, learningMinRequests } = config.features;
    const summaries = found.baselines.map((b) => ({ ...summarizeBaseline(b, learningPeriodSec, learningMinRequests), ...(found.topEndpoints.has(b.key) ? { topEndpoints: found.topEndpoints.get(b.key) } : {}) }));
    process.stdout.write(opts.format === 'json' ? safeJsonStringify(summaries, 2) + '\n' : summaries.map(textOf).join('\n'));
    return 0;
  } finally {
    db.close();
  }
}

type Shown = BaselineSummary & { topEndpoints?: { endpoint: string; requests: number }[] };

const KIND_NAMES: Readonly<Record<string, string>> = { identity: 'identity', ip: 'client IP', endpoint: 'endpoint', pair: 'identity on endpoint' };

function iso(ts: number): string {
  return new Date(ts * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function num(x: number): string {
  return x >= 100 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

/** Singular of the distinct counts' names. */
const DISTINCT_NAMES: Readonly<Record<string, string>> = { templates: 'template', objectIds: 'object id', identities: 'identity', callers: 'caller' };

function plural(n: number, one: string): string {
  if (n === 1) return `1 ${one}`;
  return `${n} ${one.endsWith('y') && !one.endsWith('ey') ? `${one.slice(0, -1)}ies` : `${one}s`}`;
}

/** A think time as people say it: under 1 ms, 250 ms, 2.1 s. */
function seconds(x: number): string {
  if (x < 0.001) return 'under 1 ms';
  return x < 1 ? `${Math.round(x * 1000)} ms` : `${num(x)} s`;
}

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

function bytes(x: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = x;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${num(v)} ${units[u]}`;
}

function robust(s: RobustSummary, unit: string): string {
  return s.n === 0 ? `no complete window yet` : `median ${num(s.median)} ${unit} (MAD ${num(s.mad)}, ${s.n} active windows)`;
}

function list(values: { values: SourceSummary[]; overflow: number }, max = 5): string {
  const shown = values.values.slice(0, max).map((v) => `${v.value} (${v.requests})`);
  if (values.values.length > max) shown.push(`${values.values.length - max} more`);
  if (values.overflow > 0) shown.push(`${values.overflow} requests from values not kept`);
  return shown.join(', ') || 'none';
}

function textOf(s: Shown): string {
  const lines: string[] = [`${s.key} (${KIND_NAMES[s.kind] ?? s.kind})`, `  ${s.sentence}`];
  const learning = s.scored ? `scored (learning ended ${iso(s.learningEndsAt)})` : `learning (scored from ${iso(s.learningEndsAt)} with enough requests)`;
  lines.push(`  seen ${iso(s.firstSeen)} → ${iso(s.lastSeen)}, ${plural(s.requests, 'request')}${s.sessions !== null ? `, ${plural(s.sessions, 'session')} ended` : ''}; ${learning}`);
  const peaks = [`${num(s.rate.peak.perMinute)}/min`, ...(s.rate.peak.perTenMinutes !== null ? [`${num(s.rate.peak.perTenMinutes)}/10 min`] : []), `${num(s.rate.peak.perHour)}/h`];
  lines.push(`  rate: ${robust(s.rate.perHour, 'per hour')}; ${robust(s.rate.perMinute, 'per minute')}; peaks ${peaks.join(', ')}`);
  lines.push(`  errors: ${Object.entries(s.errors).map(([k, v]) => `${k} ${percent(v)}`).join(', ')}`);
  lines.push(`  returned: ${bytes(s.volume.bytes)} and ${num(s.volume.records)} records in all; per active hour ${robust(s.volume.bytesPerHour, 'bytes')}, ${robust(s.volume.recordsPerHour, 'records')}`);
  const distinct = Object.entries(s.distinct)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `about ${plural(v, DISTINCT_NAMES[k] ?? k)}`);
  if (distinct.length > 0) lines.push(`  distinct: ${distinct.join(', ')}`);
  if (s.objectIds && s.objectIds.judgedRequests > 0) lines.push(`  object ids: ${s.objectIds.unseenRequests} of ${s.objectIds.judgedRequests} judged requests asked for ids never shown to it`);
  if (s.thinkTimeMedianSec !== null && s.thinkTimeMedianSec > 0) lines.push(`  think time: median ${seconds(s.thinkTimeMedianSec)} between requests`);
  if (s.ips) lines.push(`  IPs: ${list(s.ips)}`);
  if (s.userAgents) lines.push(`  user agents: ${list(s.userAgents, 3)}`);
  if (s.asns && s.asns.values.length > 0) lines.push(`  networks: ${list(s.asns)}`);
  if (s.requestBodyFields && s.requestBodyFields.length > 0) lines.push(`  request body fields: ${s.requestBodyFields.slice(0, 12).map((f) => f.name).join(', ')}${s.newBodyFields > 0 ? ` (${s.newBodyFields} new after learning)` : ''}`);
  if (s.topEndpoints && s.topEndpoints.length > 0) lines.push(`  most-called: ${s.topEndpoints.map((e) => `${e.endpoint} (${e.requests})`).join(', ')}`);
  return lines.join('\n') + '\n';
}
