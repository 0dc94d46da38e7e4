// `tapwatch doctor`: checks what a sensor box needs before `tapwatch run` can work and says what to
// fix: the config, the interface (exists, up, opens for capture, promiscuous), privileges, libpcap,
// the state directory and the permissions of what it holds, the config file's permissions when it
// holds secrets, the OpenAPI specs, the alert destinations and the model backend.
import { accessSync, constants as fsConstants, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import { LiveSource, liveOptionsFromConfig } from '../capture/live-source';
import { loadNativeAddon } from '../core/native-addon';
import { CONFIG_PATH_ENV, DEFAULT_CONFIG_PATH, resolveConfigPath } from '../config/config-path';
import { buildConfig, loadConfigFile } from '../config/load';
import type { TapwatchConfig } from '../config/schema';
import { Counters } from '../core/counters';
import { loadSpecs } from '../daemon/inventory-stage';
import { specPath } from '../inventory/config';
import { EndpointStore } from '../inventory/endpoint-store';
import type { ImportedSpec } from '../inventory/openapi';
import { classifyStoredMap } from '../inventory/stored-bindings';
import { BatchWriter } from '../store/batch-writer';
import { openDatabase } from '../store/database';
import { ALL_MIGRATIONS } from '../daemon/migrations';
import { createDestinations } from '../outputs/destinations';
import { defaultDatabasePath } from '../store/paths';
import { describeBackend, initBackend, installedNativePackages } from '../models/backend';
import { parse as parseYaml } from 'yaml';
import { isSecretKeyName, urlHasCredentials } from '../config/redact';
import { configSchema } from '../config/schema';
import { isSecretPath } from '../config/schema-walk';
import { INSTALLATION_KEY_FILE } from '../core/installation-key';

export type CheckStatus = 'ok' | 'info' | 'warn' | 'fail';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** How to fix it (warn and fail). */
  readonly fix?: string;
}

export interface DoctorOptions {
  /** Config file; default as every command: $TAPWATCH_CONFIG, else DEFAULT_CONFIG_PATH when it exists, else the built-in defaults. */
  config?: string;
  /** Interface to check; default capture.interface. */
  iface?: string;
  /** Time allowed per destination connection. */
  connectTimeoutMs?: number;
  /** The user the service runs as (systemd User=); default tapwatch. */
  serviceUser?: string;
}

export const SERVICE_USER = 'tapwatch';
/** Files beside the database that hold secrets or findings (api-tokens.json: the HTTP API's tokens). */
const PRIVATE_STATE_FILES = ['-wal', '-shm', INSTALLATION_KEY_FILE, 'api-tokens.json'];
/** Model version files looked at below models/ (a bound on the walk). */
const MAX_MODEL_FILES = 200;

/** Linux capability numbers (include/uapi/linux/capability.h). */
const CAP_NET_ADMIN = 12;
const CAP_NET_RAW = 13;
/** Interface flags (include/uapi/linux/if.h). */
const IFF_UP = 0x1;
const IFF_PROMISC = 0x100;

const CAPS_FIX =
  'run as root, or give the binary the capabilities: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN in the systemd unit (or setcap cap_net_raw,cap_net_admin+eip on the node binary)';

function check(name: string, status: CheckStatus, detail: string, fix?: string): CheckResult {
  return fix !== undefined ? { name, status, detail, fix } : { name, status, detail };
}

function readSys(iface: string, file: string): string | null {
  try {
    return readFileSync(`/sys/class/net/${iface}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Effective capability set of this process, null when /proc is not readable (not Linux). */
export function effectiveCapabilities(): bigint | null {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? BigInt(`0x${m[1]!}`) : null;
  } catch {
    return null;
  }
}

function hasCap(caps: bigint, cap: number): boolean {
  return (caps & (1n << BigInt(cap))) !== 0n;
}

function loadConfig(opts: DoctorOptions): { config: Readonly<TapwatchConfig>; result: CheckResult } {
  const file = resolveConfigPath(opts.config);
  if (file === undefined) {
    return {
      config: buildConfig({}),
      result: check('config', 'warn', `no config file (${DEFAULT_CONFIG_PATH} does not exist, ${CONFIG_PATH_ENV} not set): using the defaults`, `write ${DEFAULT_CONFIG_PATH} or pass --config FILE`),
    };
  }
  try {
    return { config: loadConfigFile(file), result: check('config', 'ok', `${file} is valid`) };
  } catch (err) {
    return {
      config: buildConfig({}),
      result: check('config', 'fail', `${(err as Error).message} (the other checks use the defaults)`, `fix the keys named above; tapwatch check-config ${file} lists every error`),
    };
  }
}

function checkInterface(iface: string): CheckResult {
  if (iface === '') return check('interface', 'fail', 'no interface given', 'pass --iface IF or set capture.interface in the config');
  if (iface.includes('/') || iface === '.' || iface === '..' || !existsSync(`/sys/class/net/${iface}`)) {
    let names = '';
    try {
      names = readdirSync('/sys/class/net').sort().join(', ');
    } catch {
      // not Linux: no list to offer
    }
    return check('interface', 'fail', `${iface}: no such interface${names ? ` (present: ${names})` : ''}`, 'use one of the interfaces listed by `ip -br link` (the port the SPAN/TAP is cabled to)');
  }
  const oper = readSys(iface, 'operstate') ?? 'unknown';
  const flags = Number.parseInt(readSys(iface, 'flags') ?? '0', 16);
  const up = (flags & IFF_UP) !== 0;
  if (!up) return check('interface', 'fail', `${iface} is administratively down (operstate ${oper})`, `ip link set ${iface} up (and make it persistent in the network config)`);
  if (oper === 'down' || oper === 'lowerlayerdown' || oper === 'notpresent') {
    return check('interface', 'fail', `${iface} is up but has no link (operstate ${oper})`, 'check the cable / optic to the mirror port and that the SPAN session or TAP is active on the switch');
  }
  // loopback and some virtual interfaces report "unknown" while working
  return check('interface', 'ok', `${iface} exists and is up (operstate ${oper})`);
}

function checkPrivileges(): CheckResult {
  const caps = effectiveCapabilities();
  const root = process.geteuid?.() === 0;
  if (caps === null) return check('privileges', root ? 'ok' : 'warn', root ? 'running as root' : 'cannot read the capability set (/proc/self/status)', root ? undefined : CAPS_FIX);
  const raw = hasCap(caps, CAP_NET_RAW);
  const admin = hasCap(caps, CAP_NET_ADMIN);
  const who = root ? 'root' : `uid ${process.geteuid?.() ?? '?'}`;
  if (!raw) return check('privileges', 'fail', `${who} without CAP_NET_RAW: live capture is not allowed`, CAPS_FIX);
  if (!admin) return check('privileges', 'warn', `${who} with CAP_NET_RAW but without CAP_NET_ADMIN: promiscuous mode and buffer settings may be refused`, CAPS_FIX);
  return check('privileges', 'ok', `${who} with CAP_NET_RAW and CAP_NET_ADMIN`);
}

function checkLibpcap(): CheckResult {
  try {
    return check('libpcap', 'ok', loadNativeAddon().libVersion());
  } catch (err) {
    return check('libpcap', 'fail', (err as Error).message, 'install libpcap-dev and rebuild the addon: npm ci (or npm run build)');
  }
}

/** Opens the interface the way `run` does, briefly, and sees whether promiscuous mode took. */
function checkCapture(iface: string, config: Readonly<TapwatchConfig>): CheckResult[] {
  const c = config.capture;
  const source = new LiveSource(iface, liveOptionsFromConfig(c));
  let info;
  try {
    info = source.open();
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const fix =
      code === 'ERR_PCAP_PERM_DENIED'
        ? CAPS_FIX
        : code === 'ERR_PCAP_FILTER'
          ? 'fix capture.filter (tcpdump -d "FILTER" shows whether libpcap accepts it)'
          : code === 'ERR_PCAP_IFACE_NOT_UP'
            ? `ip link set ${iface} up`
            : 'see the libpcap message; check the interface name and the privileges';
    return [check('capture', 'fail', `cannot open ${iface} for capture: ${(err as Error).message}`, fix)];
  }
  const flags = Number.parseInt(readSys(iface, 'flags') ?? '0', 16);
  source.stop();
  const out = [check('capture', 'ok', `${iface} opens for capture (link type ${info.linkTypeName}, snaplen ${info.snaplen}${c.filter ? `, filter "${c.filter}"` : ''})`)];
  if (!c.promisc) {
    out.push(check('promiscuous', 'warn', 'capture.promisc is false: only traffic addressed to this host is seen', 'set capture.promisc: true for a SPAN/TAP port'));
  } else if (info.warning) {
    out.push(check('promiscuous', 'warn', `libpcap: ${info.warning}`, 'some drivers refuse promiscuous mode; a mirror port usually needs it (check the driver and CAP_NET_ADMIN)'));
  } else if ((flags & IFF_PROMISC) !== 0) {
    out.push(check('promiscuous', 'ok', `${iface} entered promiscuous mode while open`));
  } else {
    out.push(check('promiscuous', 'ok', `promiscuous mode accepted by libpcap (the ${iface} flags do not show it)`));
  }
  return out;
}

/** The directory itself when it exists, else its nearest existing ancestor (run creates the rest). */
function nearestExisting(dir: string): string {
  let d = dir;
  while (!existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/** Checks without creating anything: a probe file in the directory, or write access to the ancestor run would create it in. */
function checkStateDir(config: Readonly<TapwatchConfig>): CheckResult {
  const db = defaultDatabasePath(config.store.path);
  const dir = path.dirname(path.resolve(db));
  const fix = `make ${dir} writable by the service user (systemd StateDirectory=tapwatch does it), or set store.path to a writable place`;
  const base = nearestExisting(dir);
  try {
    if (!statSync(base).isDirectory()) throw new Error(`${base} is not a directory`);
    if (base === dir) {
      const probe = path.join(dir, `.tapwatch-doctor-${process.pid}`);
      writeFileSync(probe, 'probe');
      rmSync(probe, { force: true });
      if (existsSync(db)) accessSync(db, fsConstants.R_OK | fsConstants.W_OK);
    } else {
      accessSync(base, fsConstants.W_OK | fsConstants.X_OK);
    }
  } catch (err) {
    return check('state directory', 'fail', `${dir}: not writable: ${(err as Error).message}`, fix);
  }
  if (base !== dir) return check('state directory', 'ok', `${dir} does not exist yet; run creates it in ${base}, which is writable`);
  return check('state directory', 'ok', `${dir} is writable (database ${db}${existsSync(db) ? '' : ', not created yet'})`);
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/** uid of `user` in /etc/passwd, or undefined when there is no such user. */
function userId(user: string): number | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name === user && uid !== undefined && /^\d+$/.test(uid)) return Number(uid);
    }
  } catch {
    // no passwd file: no service user to compare with
  }
  return undefined;
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

/** Up to `max` regular files below `dir`. */
function filesBelow(dir: string, max: number): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= max) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The state directory 0700 and what it holds (database, -wal/-shm, installation.key,
 * api-tokens.json, model versions) 0600, owned by the service user: the database holds the
 * endpoint map, identities and alerts, the key makes credential fingerprints matchable.
 */
export function checkStatePermissions(dbFile: string, serviceUser = SERVICE_USER): CheckResult[] {
  const name = 'state permissions';
  const dir = path.dirname(path.resolve(dbFile));
  const dirStat = statOrNull(dir);
  if (dirStat === null) return [check(name, 'info', `${dir} does not exist yet; the sensor creates it 0700 with its files 0600`)];
  const out: CheckResult[] = [];
  const mode = dirStat.mode & 0o777;
  if ((mode & 0o022) !== 0) out.push(check(name, 'warn', `${dir} (mode ${octal(mode)}) is writable by other users, who could replace the database or the installation key`, `chmod 700 ${dir}`));
  else if ((mode & 0o007) !== 0) out.push(check(name, 'warn', `${dir} (mode ${octal(mode)}) is open to all users`, `chmod 700 ${dir}`));
  const files = [path.resolve(dbFile), ...PRIVATE_STATE_FILES.map((f) => (f.startsWith('-') ? `${path.resolve(dbFile)}${f}` : path.join(dir, f))), ...filesBelow(path.join(dir, 'models'), MAX_MODEL_FILES)];
  const owned: Array<[string, Stats]> = [[dir, dirStat]];
  for (const file of files) {
    const st = statOrNull(file);
    if (st === null) continue;
    owned.push([file, st]);
    const m = st.mode & 0o777;
    if ((m & 0o066) !== 0) out.push(check(name, 'warn', `${file} (mode ${octal(m)}) can be read or changed by other users`, `chmod 600 ${file}`));
  }
  // root runs the CLI on a box where the service user owns the state: files root made are unreadable to the service
  const uid = process.geteuid?.() === 0 ? userId(serviceUser) : undefined;
  if (uid !== undefined) {
    const foreign = owned.filter(([, st]) => st.uid !== uid).map(([f]) => f);
    if (foreign.length > 0) {
      out.push(check(name, 'warn', `${foreign.length} state file(s) not owned by the service user ${serviceUser}: ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}`, `chown -R ${serviceUser}:${serviceUser} ${dir}`));
    }
  }
  return out.length > 0 ? out : [check(name, 'ok', `${dir} is private to its owner (0700, files 0600)`)];
}

/** Dotted paths of the secrets written in the config file itself (not `${env:...}` references). */
export function secretsInConfigText(text: string): string[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    return [];
  }
  const found: string[] = [];
  const literal = (v: string): boolean => v !== '' && !/^\$\{env:[^}]+\}$/.test(v.trim());
  const walk = (value: unknown, at: (string | number)[]): void => {
    if (typeof value === 'string') {
      const key = at[at.length - 1];
      const named = (at.length > 0 && isSecretPath(configSchema, at)) || (typeof key === 'string' && isSecretKeyName(key));
      if ((named && literal(value)) || urlHasCredentials(value)) found.push(at.join('.'));
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...at, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    }
  };
  walk(raw, []);
  return found;
}

/** A config file holding secrets must not be readable by every user (0640 root:tapwatch, as install-service makes it). */
function checkConfigPermissions(file: string | undefined): CheckResult | null {
  if (file === undefined) return null;
  const st = statOrNull(file);
  if (st === null) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const secrets = secretsInConfigText(text);
  const name = 'config permissions';
  if (secrets.length === 0) return check(name, 'ok', `${file} holds no secrets written in it`);
  const m = st.mode & 0o777;
  if ((m & 0o004) !== 0) {
    return check(name, 'warn', `${file} (mode ${octal(m)}) is readable by every user and holds secrets (${secrets.join(', ')})`, `chmod 640 ${file} and chgrp ${SERVICE_USER} ${file}, or move the secrets to \${env:NAME} / secretEnv`);
  }
  return check(name, 'ok', `${file} holds secrets and is not readable by other users (mode ${octal(m)})`);
}

function checkSpecs(config: Readonly<TapwatchConfig>): CheckResult {
  const entries = config.inventory.specs;
  if (entries.length === 0) return check('specs', 'info', 'no OpenAPI specs configured: endpoints are inventoried but not classified as documented or shadow');
  const paths = entries.map(specPath);
  const missing = paths.filter((p) => !existsSync(p));
  const load = loadSpecs(entries.filter((e) => existsSync(specPath(e))));
  const problems = [...missing.map((s) => `${s}: does not exist`), ...load.errors];
  if (problems.length > 0) {
    return check('specs', 'fail', `${problems.length} of the inventory.specs cannot be used: ${problems.join('; ')}`, 'fix or remove the files named (run skips them, and their hosts would have no spec)');
  }
  const stored = storedSpecBindings(config, load.specs);
  const unbound = stored?.filter((s) => s.hosts.length === 0) ?? [];
  const summary = (stored ?? []).map((s) => `${s.api}: ${s.hosts.length > 0 ? s.hosts.join(', ') : 'no host'}`).join('; ');
  const detail = `${load.specs.length} OpenAPI document(s) loaded from ${paths.join(', ')}${stored ? `; bound in the stored map: ${summary}` : '; no traffic stored yet, hosts are bound as traffic arrives'}`;
  if (unbound.length > 0) return check('specs', 'warn', detail, `run 'tapwatch specs' to see the likeliest host of ${unbound.map((s) => s.api).join(', ')}, and name it under that spec's hosts`);
  return check('specs', 'ok', detail);
}

/** Each API's bound hosts in the stored endpoint map, or null when there is no database yet. */
function storedSpecBindings(config: Readonly<TapwatchConfig>, specs: ImportedSpec[]): { api: string; hosts: string[] }[] | null {
  const file = defaultDatabasePath(config.store.path);
  if (!existsSync(file)) return null;
  const db = openDatabase(file, ALL_MIGRATIONS);
  try {
    const store = new EndpointStore(db, new BatchWriter(db, file, 100, new Counters()));
    const { classifier } = classifyStoredMap(store.list({}), specs, config.inventory.specBinding);
    return classifier.apis.map((a) => ({ api: a.id, hosts: classifier.allBindings().filter((b) => b.api === a.id).map((b) => `${b.host} (${b.reason})`) }));
  } finally {
    db.close();
  }
}

/** A TCP connection (connect only; nothing is sent). */
function tcpConnect(opts: { host: string; port: number } | { path: string }, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect(opts);
    const done = (err: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(err);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err) => done(err.message));
  });
}

async function checkOutputs(config: Readonly<TapwatchConfig>, timeoutMs: number): Promise<CheckResult[]> {
  const o = config.outputs;
  if (o.webhooks.length === 0 && o.syslog.length === 0) return [check('outputs', 'info', 'no alert destinations configured: alerts are only stored (tapwatch alerts lists them)')];
  const out: CheckResult[] = [];
  try {
    // the same construction as run: secrets from the environment, TLS files read
    const destinations = createDestinations(o, new Counters());
    await Promise.all(destinations.map((d) => d.transport.close().catch(() => undefined)));
  } catch (err) {
    out.push(check('outputs', 'fail', (err as Error).message, 'set the environment variable or fix the file named (in the systemd unit: Environment= or EnvironmentFile=)'));
  }
  const probes = [
    ...o.webhooks.map(async (w): Promise<CheckResult> => {
      const url = new URL(w.url);
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const err = await tcpConnect({ host, port }, timeoutMs);
      const name = `output webhook ${w.name}`;
      return err === null
        ? check(name, 'ok', `${host}:${port} accepts connections`)
        : check(name, 'fail', `${host}:${port} unreachable: ${err}`, 'check that the receiver runs, the URL, DNS, and that firewalls let the sensor reach it (alerts queue in the outbox meanwhile)');
    }),
    ...o.syslog.map(async (s): Promise<CheckResult> => {
      const name = `output syslog ${s.name}`;
      if (s.protocol === 'udp') return check(name, 'info', `udp ${s.host}:${s.port}: not checkable (UDP has no handshake); watch the collector for test messages`);
      const target = s.protocol === 'unix' ? { path: s.path } : { host: s.host, port: s.port };
      const where = s.protocol === 'unix' ? s.path : `${s.host}:${s.port}`;
      const err = await tcpConnect(target, timeoutMs);
      if (err !== null) return check(name, 'fail', `${s.protocol} ${where} unreachable: ${err}`, 'check that the collector listens there and that firewalls let the sensor reach it');
      return check(name, 'ok', `${s.protocol} ${where} accepts connections${s.protocol === 'tls' ? ' (TCP only; the TLS handshake is checked on the first alert)' : ''}`);
    }),
  ];
  out.push(...(await Promise.all(probes)));
  return out;
}

/** Loads the TF.js backend the daemon would use (models.backend) and says which, and why others were passed over. */
async function checkModelBackend(config: Readonly<TapwatchConfig>): Promise<CheckResult> {
  const name = 'model backend';
  if (!config.models.enabled) return check(name, 'info', 'models are off (models.enabled: false)');
  try {
    const info = await initBackend(config.models.backend);
    const detail = describeBackend(info);
    if (info.name === 'tensorflow') return check(name, 'ok', detail);
    const gpuHint = installedNativePackages().includes('@tensorflow/tfjs-node-gpu') ? '' : '; for a GPU, install @tensorflow/tfjs-node-gpu with CUDA and cuDNN';
    return check(name, info.name === 'wasm' ? 'info' : 'warn', detail, `for the faster TensorFlow backend run native/install-tensorflow.sh (npm run models:backend) after npm ci${gpuHint}`);
  } catch (err) {
    return check(name, 'fail', `no TF.js backend loads: ${(err as Error).message}`, 'reinstall with npm ci');
  }
}

export async function runDoctor(opts: DoctorOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const { config, result } = loadConfig(opts);
  results.push(result);
  const iface = opts.iface ?? config.capture.interface;
  const ifaceResult = checkInterface(iface);
  results.push(ifaceResult);
  const privileges = checkPrivileges();
  results.push(privileges);
  const libpcap = checkLibpcap();
  results.push(libpcap);
  if (ifaceResult.status !== 'fail' && libpcap.status !== 'fail' && privileges.status !== 'fail') {
    results.push(...checkCapture(iface, config));
  } else {
    results.push(check('capture', 'fail', 'not tried: fix the interface, privileges or libpcap first', 'see the checks above'));
  }
  results.push(checkStateDir(config));
  results.push(...checkStatePermissions(defaultDatabasePath(config.store.path), opts.serviceUser));
  const configPermissions = checkConfigPermissions(resolveConfigPath(opts.config));
  if (configPermissions) results.push(configPermissions);
  results.push(checkSpecs(config));
  results.push(...(await checkOutputs(config, opts.connectTimeoutMs ?? 3000)));
  results.push(await checkModelBackend(config));
  return results;
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', info: 'info', warn: 'WARN', fail: 'FAIL' };

export function formatResults(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`[${MARK[r.status]}] ${r.name}: ${r.detail}`);
    if (r.fix !== undefined && (r.status === 'warn' || r.status === 'fail')) lines.push(`       fix: ${r.fix}`);
  }
  const fails = results.filter((r) => r.status === 'fail').length;
  const warns = results.filter((r) => r.status === 'warn').length;
  lines.push(fails > 0 ? `${fails} problem(s) to fix before tapwatch run will work${warns ? `, ${warns} warning(s)` : ''}` : `ready to run${warns ? ` (${warns} warning(s))` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** 1 when any check failed. */
export function doctorExitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}

export interface DoctorCliOptions extends DoctorOptions {
  format?: string;
}

/** Adds `tapwatch doctor` to the program; `write` receives the report (standard output by default). */
export function registerDoctor(program: Command, write: (text: string) => void = (t) => process.stdout.write(t)): void {
  program
    .command('doctor')
    .description('check the interface, privileges, libpcap, state directory, config, specs and alert destinations, and say what to fix')
    .option('-c, --config <file>', `YAML config file (default $${CONFIG_PATH_ENV}, else ${DEFAULT_CONFIG_PATH} when it exists)`)
    .option('-i, --iface <name>', 'interface to check (default capture.interface)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: DoctorCliOptions) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        write(`tapwatch doctor: --format must be text or json\n`);
        process.exitCode = 2;
        return;
      }
      const results = await runDoctor(opts);
      write(opts.format === 'json' ? `${JSON.stringify({ results, ok: doctorExitCode(results) === 0 }, null, 2)}\n` : formatResults(results));
      process.exitCode = doctorExitCode(results);
    });
}

