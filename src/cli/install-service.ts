// `tapwatch install-service`: puts the systemd unit (ExecStart pointing at this installation), the
// tapwatch system user (sysusers.d) and the config skeleton in place. It never overwrites an
// operator's config and never runs systemctl: enabling the service is the operator's decision.
import { parse as parseYaml } from 'yaml';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';

const REPO = path.resolve(__dirname, '../..');
export const CONFIG_PATH = '/etc/tapwatch/tapwatch.yaml';
export const UNIT_PATH = '/etc/systemd/system/tapwatch.service';
export const SYSUSERS_PATH = '/etc/sysusers.d/tapwatch.conf';
const SERVICE_USER = 'tapwatch';

export interface InstallServiceOptions {
  /** Root the files go under (a staging directory for packaging and tests); default '/'. */
  prefix?: string;
  /** Print the steps, write and run nothing. */
  dryRun?: boolean;
  /** MemoryMax= of the unit (systemd size: 2G, 512M, 50%, infinity). */
  memoryMax?: string;
  /** Node binary for ExecStart (default: the one running this command). */
  node?: string;
  /** The CLI entry point for ExecStart (default: this installation's dist/cli/main.js). */
  mainScript?: string;
  /** Sources (default: the files shipped in systemd/). */
  unitTemplate?: string;
  sysusersFile?: string;
  configSkeleton?: string;
  /** systemd-sysusers binary; looked up on PATH by default, '' to skip. */
  sysusersBinary?: string;
}

const MEMORY_MAX = /^(?:[0-9]+(?:\.[0-9]+)?[KMGTPE]?|[0-9]+(?:\.[0-9]+)?%|infinity)$/;

/**
 * One ExecStart= word: systemd expands % specifiers everywhere and $VARIABLES in arguments (not in the
 * program path), and splits on whitespace, so those are escaped and a word with spaces is quoted.
 */
export function execWord(word: string, program = false): string {
  if ([...word].some((c) => c.charCodeAt(0) < 0x20)) throw new Error(`cannot put a control character in ExecStart: ${JSON.stringify(word)}`);
  let escaped = word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  if (!program) escaped = escaped.replace(/\$/g, '$$$$');
  return /[\s"'\\;]/.test(word) ? `"${escaped}"` : escaped;
}

/** The unit template with this installation's ExecStart and MemoryMax. */
export function renderUnit(template: string, node: string, mainScript: string, memoryMax: string): string {
  const execStart = `ExecStart=${[node, mainScript, 'run', '--config', CONFIG_PATH].map((w, i) => execWord(w, i === 0)).join(' ')}`;
  let sawExec = false;
  let sawMemory = false;
  const lines = template.split('\n').map((line) => {
    if (line.startsWith('ExecStart=')) {
      sawExec = true;
      return execStart;
    }
    if (line.startsWith('MemoryMax=')) {
      sawMemory = true;
      return `MemoryMax=${memoryMax}`;
    }
    return line;
  });
  if (!sawExec || !sawMemory) throw new Error('unit template has no ExecStart= or MemoryMax= line');
  return lines.join('\n');
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':').concat(['/usr/bin', '/usr/sbin', '/bin', '/sbin'])) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // next directory
    }
  }
  return undefined;
}

/** The GID of `name` in PREFIX/etc/group, if that group exists there. */
function groupId(prefix: string, name: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(prefix, 'etc/group'), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && gid !== undefined && /^[0-9]+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/** `daemon.memoryMax` of a config file, read as plain YAML (its ${env:...} secrets need not be set here). */
function configuredMemoryMax(file: string): string | undefined {
  try {
    const raw = parseYaml(fs.readFileSync(file, 'utf8')) as { daemon?: { memoryMax?: unknown } } | null;
    const v = raw?.daemon?.memoryMax;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the installation; every step goes to `print`. Returns the exit code. */
export function installService(opts: InstallServiceOptions, print: (line: string) => void): number {
  const prefix = path.resolve(opts.prefix ?? '/');
  const dryRun = opts.dryRun === true;
  const node = path.resolve(opts.node ?? process.execPath);
  const mainScript = path.resolve(opts.mainScript ?? path.join(REPO, 'dist/cli/main.js'));
  const unitTemplate = opts.unitTemplate ?? path.join(REPO, 'systemd/tapwatch.service');
  const sysusersFile = opts.sysusersFile ?? path.join(REPO, 'systemd/tapwatch.sysusers.conf');
  const configSkeleton = opts.configSkeleton ?? path.join(REPO, 'systemd/tapwatch.yaml');
  const under = (p: string): string => path.join(prefix, p);
  const would = dryRun ? 'would ' : '';
  // --memory-max, else daemon.memoryMax of the installed config (or of the skeleton it will get)
  const memoryMax = opts.memoryMax ?? configuredMemoryMax(fs.existsSync(under(CONFIG_PATH)) ? under(CONFIG_PATH) : configSkeleton) ?? '2G';

  if (!MEMORY_MAX.test(memoryMax)) {
    print(`error: --memory-max ${JSON.stringify(memoryMax)} is not a systemd size (e.g. 2G, 512M, 50%, infinity)`);
    return 2;
  }
  try {
    fs.accessSync(node, fs.constants.X_OK);
  } catch {
    print(`error: node binary not executable: ${node}`);
    return 1;
  }
  for (const [what, file] of [
    ['CLI entry point (run npm ci to build dist/)', mainScript],
    ['unit template', unitTemplate],
    ['sysusers file', sysusersFile],
    ['config skeleton', configSkeleton],
  ] as const) {
    if (!fs.existsSync(file)) {
      print(`error: ${what} not found: ${file}`);
      return 1;
    }
  }
  for (const file of [node, mainScript]) {
    if (/^\/(?:home|root|run\/user|tmp|var\/tmp)(?:\/|$)/.test(file)) {
      print(`warning: ${file} is hidden from the service by ProtectHome=/PrivateTmp=; install under /opt or /usr`);
    }
  }

  const unit = renderUnit(fs.readFileSync(unitTemplate, 'utf8'), node, mainScript, memoryMax);
  const steps: Array<() => boolean> = [];
  const write = (target: string, content: Buffer | string, mode: number, note: string): void => {
    steps.push(() => {
      const existed = fs.existsSync(under(target));
      print(`${would}${existed ? 'replace' : 'write'} ${under(target)}${note}`);
      if (!dryRun) {
        fs.mkdirSync(path.dirname(under(target)), { recursive: true, mode: 0o755 });
        fs.writeFileSync(under(target), content, { mode });
        fs.chmodSync(under(target), mode);
      }
      return true;
    });
  };

  write(UNIT_PATH, unit, 0o644, ` (ExecStart=${node} ${mainScript}, MemoryMax=${memoryMax})`);
  write(SYSUSERS_PATH, fs.readFileSync(sysusersFile), 0o644, ` (system user ${SERVICE_USER})`);

  steps.push(() => {
    const binary = opts.sysusersBinary ?? findOnPath('systemd-sysusers');
    if (!binary) {
      print(`skip systemd-sysusers (not installed): create the system user ${SERVICE_USER} with useradd --system before starting the service`);
      return true;
    }
    // With --root, a bare file name is looked up in PREFIX's sysusers.d directories.
    const args = [...(prefix === '/' ? [] : [`--root=${prefix}`]), path.basename(SYSUSERS_PATH)];
    print(`${would}run ${binary} ${args.join(' ')}`);
    if (dryRun) return true;
    const res = spawnSync(binary, args, { encoding: 'utf8' });
    for (const line of `${res.stdout ?? ''}${res.stderr ?? ''}`.split('\n')) if (line.trim()) print(`  ${line}`);
    if (res.status !== 0) {
      print(`error: ${binary} failed (${res.error?.message ?? `exit ${res.status}`})`);
      return false;
    }
    return true;
  });

  steps.push(() => {
    const target = under(CONFIG_PATH);
    if (fs.existsSync(target)) {
      print(`keep ${target} (exists; an operator's config is never overwritten)`);
      return true;
    }
    print(`${would}write ${target} (config skeleton from ${configSkeleton}; set capture.interface)`);
    if (dryRun) return true;
    const dir = path.dirname(target);
    const dirExisted = fs.existsSync(dir);
    fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
    // The config may hold secrets: readable by root and the service's group only. The unit's
    // ConfigurationDirectoryMode=0750 keeps the directory so; systemd leaves its owner to us.
    fs.copyFileSync(configSkeleton, target, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(target, 0o640);
    if (!dirExisted) fs.chmodSync(dir, 0o750);
    const gid = groupId(prefix, SERVICE_USER);
    if (gid !== undefined && process.getuid?.() === 0) {
      fs.chownSync(target, 0, gid);
      if (!dirExisted) fs.chownSync(dir, 0, gid);
      print(`  owner root:${SERVICE_USER} (gid ${gid}), mode 0640${dirExisted ? '' : `; ${dir} root:${SERVICE_USER} 0750`}`);
    } else {
      print(`  mode 0640: make it and ${path.dirname(CONFIG_PATH)} readable by group ${SERVICE_USER} (chgrp ${SERVICE_USER} ${path.dirname(CONFIG_PATH)} ${CONFIG_PATH})`);
    }
    return true;
  });

  for (const step of steps) if (!step()) return 1;
  print(
    dryRun
      ? 'dry run: nothing was written'
      : `next: edit ${CONFIG_PATH}, then run: systemctl daemon-reload && systemctl enable --now tapwatch`,
  );
  return 0;
}

export interface InstallServiceCliOptions {
  prefix: string;
  dryRun?: boolean;
  memoryMax?: string;
  node?: string;
}

export function registerInstallService(program: Command): void {
  program
    .command('install-service')
    .description('install the systemd unit, the tapwatch system user and the config skeleton (does not start it)')
    .option('--prefix <dir>', 'install under this root directory (staging, tests)', '/')
    .option('--dry-run', 'print the steps without writing or running anything')
    .option('--memory-max <size>', "MemoryMax= of the unit (default: the config's daemon.memoryMax, 2G)")
    .option('--node <path>', 'node binary for ExecStart (default: the one running this command)')
    .action((opts: InstallServiceCliOptions) => {
      try {
        process.exitCode = installService(opts, (line) =>
          (/^(?:error|warning):/.test(line) ? process.stderr : process.stdout).write(`${line}\n`),
        );
      } catch (err) {
        process.stderr.write(`tapwatch: install-service: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
