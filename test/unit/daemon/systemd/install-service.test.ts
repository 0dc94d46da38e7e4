// tapwatch install-service into a temporary root: files in place, an operator's config kept, the
// system user created by the real systemd-sysusers under that root, dry runs writing nothing.
import t, { type Test } from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CONFIG_PATH, SYSUSERS_PATH, UNIT_PATH, execWord, installService, type InstallServiceOptions } from '../../../../src/cli/install-service';
import { REPO } from '../../../helpers/paths';

const TEMPLATE = path.join(REPO, 'systemd/tapwatch.service');
const SYSUSERS = path.join(REPO, 'systemd/tapwatch.sysusers.conf');
const MAIN = path.join(REPO, 'dist/cli/main.js');
const hasSysusers = spawnSync('systemd-sysusers', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;

interface Setup {
  prefix: string;
  skeleton: string;
  run(extra?: InstallServiceOptions): { code: number; lines: string[] };
}

function setup(t: Test): Setup {
  const dir = t.testdir({ 'skeleton.yaml': `# skeleton ${t.name}\ncapture:\n  interface: eth1\n`, root: {} });
  const prefix = path.join(dir, 'root');
  const skeleton = path.join(dir, 'skeleton.yaml');
  return {
    prefix,
    skeleton,
    run(extra = {}) {
      const lines: string[] = [];
      const code = installService({ prefix, configSkeleton: skeleton, mainScript: MAIN, ...extra }, (l) => lines.push(l));
      return { code, lines };
    },
  };
}

/** Every file under `dir`, relative. */
function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

t.test('installs the unit, the sysusers file and the config skeleton', async (t) => {
  const s = setup(t);
  const { code, lines } = s.run({ memoryMax: '1536M', sysusersBinary: '' });
  if (!t.equal(code, 0, 'install succeeds')) t.comment(lines.join('\n'));

  const unit = fs.readFileSync(path.join(s.prefix, UNIT_PATH), 'utf8').split('\n');
  const template = fs.readFileSync(TEMPLATE, 'utf8').split('\n');
  t.equal(unit.length, template.length, 'same lines as the template');
  const changed = unit.map((line, i) => [template[i], line]).filter(([a, b]) => a !== b);
  t.same(
    changed.map(([, b]) => b),
    [`ExecStart=${process.execPath} ${MAIN} run --config ${CONFIG_PATH}`, 'MemoryMax=1536M'],
    'only ExecStart (this node, this installation) and MemoryMax differ',
  );
  t.equal(fs.readFileSync(path.join(s.prefix, SYSUSERS_PATH), 'utf8'), fs.readFileSync(SYSUSERS, 'utf8'));
  t.equal(fs.readFileSync(path.join(s.prefix, CONFIG_PATH), 'utf8'), fs.readFileSync(s.skeleton, 'utf8'));
  t.equal(fs.statSync(path.join(s.prefix, CONFIG_PATH)).mode & 0o777, 0o640, 'config may hold secrets');
  t.equal(fs.statSync(path.dirname(path.join(s.prefix, CONFIG_PATH))).mode & 0o777, 0o750, 'its directory root:tapwatch 0750, as ConfigurationDirectoryMode keeps it');
  t.equal(fs.statSync(path.join(s.prefix, UNIT_PATH)).mode & 0o777, 0o644);

  for (const target of [UNIT_PATH, SYSUSERS_PATH, CONFIG_PATH]) {
    t.ok(lines.some((l) => l.includes(path.join(s.prefix, target))), `step printed for ${target}`);
  }
  t.match(lines.join('\n'), /skip systemd-sysusers/);
  t.match(lines.at(-1), /systemctl daemon-reload && systemctl enable --now tapwatch/, 'tells the operator the last step');
});

t.test('creates the tapwatch user with systemd-sysusers under the prefix', { skip: !hasSysusers && 'systemd-sysusers is not installed' }, async (t) => {
  const s = setup(t);
  const hostPasswd = fs.readFileSync('/etc/passwd', 'utf8');
  const { code, lines } = s.run();
  if (!t.equal(code, 0, 'install succeeds')) t.comment(lines.join('\n'));
  t.equal(fs.readFileSync('/etc/passwd', 'utf8'), hostPasswd, "the host's users are untouched");
  t.match(lines.join('\n'), new RegExp(`run \\S*systemd-sysusers --root=${s.prefix} tapwatch.conf`));
  const passwd = fs.readFileSync(path.join(s.prefix, 'etc/passwd'), 'utf8').split('\n').map((l) => l.split(':'));
  const user = passwd.find((f) => f[0] === 'tapwatch');
  t.ok(user, 'tapwatch in PREFIX/etc/passwd');
  t.equal(user?.[5], '/var/lib/tapwatch', 'home is the state directory');
  const group = fs.readFileSync(path.join(s.prefix, 'etc/group'), 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === 'tapwatch');
  t.ok(group, 'tapwatch group in PREFIX/etc/group');
  if (isRoot) {
    t.equal(fs.statSync(path.join(s.prefix, CONFIG_PATH)).gid, Number(group?.[2]), 'config readable by the service group');
  }

  const again = s.run();
  t.equal(again.code, 0, 'a second install succeeds');
  t.match(again.lines.join('\n'), /replace .*tapwatch\.service/);
});

t.test("an operator's config is never overwritten", async (t) => {
  const s = setup(t);
  const config = path.join(s.prefix, CONFIG_PATH);
  fs.mkdirSync(path.dirname(config), { recursive: true });
  const operator = `capture:\n  interface: mirror0 # ${Date.now()}\n`;
  fs.writeFileSync(config, operator, { mode: 0o600 });
  const { code, lines } = s.run({ sysusersBinary: '' });
  t.equal(code, 0);
  t.equal(fs.readFileSync(config, 'utf8'), operator);
  t.equal(fs.statSync(config).mode & 0o777, 0o600, 'mode untouched too');
  t.match(lines.join('\n'), /keep .*tapwatch\.yaml \(exists/);
  t.ok(fs.existsSync(path.join(s.prefix, UNIT_PATH)), 'the unit is still installed');
});

t.test('--dry-run prints the steps and writes nothing', async (t) => {
  const s = setup(t);
  const { code, lines } = s.run({ dryRun: true });
  if (!t.equal(code, 0, 'install succeeds')) t.comment(lines.join('\n'));
  t.same(files(s.prefix), [], 'nothing under the prefix');
  const text = lines.join('\n');
  for (const target of [UNIT_PATH, SYSUSERS_PATH, CONFIG_PATH]) {
    t.match(text, `would write ${path.join(s.prefix, target)}`);
  }
  if (hasSysusers) t.match(text, /would run \S*systemd-sysusers/);
  t.match(lines.at(-1), /dry run: nothing was written/);
});

t.test('bad input stops before writing anything', async (t) => {
  const s = setup(t);
  const badSize = s.run({ memoryMax: '2 gigs' });
  t.equal(badSize.code, 2);
  t.match(badSize.lines.join('\n'), /--memory-max "2 gigs" is not a systemd size/);
  const noBuild = s.run({ mainScript: path.join(s.prefix, 'missing/main.js') });
  t.equal(noBuild.code, 1);
  t.match(noBuild.lines.join('\n'), /CLI entry point .* not found/);
  const noSkeleton = s.run({ configSkeleton: path.join(s.prefix, 'missing.yaml') });
  t.equal(noSkeleton.code, 1);
  const noNode = s.run({ node: path.join(s.prefix, 'missing/node') });
  t.equal(noNode.code, 1);
  t.match(noNode.lines.join('\n'), /node binary not executable/);
  t.same(files(s.prefix), []);
});

t.test('a node or script hidden by ProtectHome=/PrivateTmp= gets a warning', async (t) => {
  const s = setup(t);
  // A node under /tmp, which PrivateTmp= replaces for the service.
  const dir = fs.mkdtempSync('/tmp/tapwatch-node-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  const { code, lines } = s.run({ dryRun: true, node: path.join(dir, 'node') });
  t.equal(code, 0, 'a warning, not an error');
  t.match(lines.join('\n'), `warning: ${dir}/node is hidden from the service`);
});

t.test('ExecStart words are escaped for systemd', async (t) => {
  t.equal(execWord('/usr/bin/node'), '/usr/bin/node');
  t.equal(execWord('/opt/my tapwatch/main.js'), '"/opt/my tapwatch/main.js"');
  t.equal(execWord('/opt/100%/a$HOME'), '/opt/100%%/a$$HOME', 'specifiers and variables are not expanded');
  t.equal(execWord('/opt/100%/a$HOME', true), '/opt/100%%/a$HOME', 'the program path takes no variables, so $ stays');
  t.throws(() => execWord('/opt/a\nb'), /control character/);
});

t.test('the shipped config skeleton is installed by default', { skip: !fs.existsSync(path.join(REPO, 'systemd/tapwatch.yaml')) && 'systemd/tapwatch.yaml is not written yet' }, async (t) => {
  const prefix = t.testdir();
  const lines: string[] = [];
  if (!t.equal(installService({ prefix, sysusersBinary: '' }, (l) => lines.push(l)), 0, 'install succeeds')) t.comment(lines.join('\n'));
  t.equal(fs.readFileSync(path.join(prefix, CONFIG_PATH), 'utf8'), fs.readFileSync(path.join(REPO, 'systemd/tapwatch.yaml'), 'utf8'));
});

t.test("MemoryMax comes from the config's daemon.memoryMax unless --memory-max is given", async (t) => {
  const s = setup(t);
  fs.mkdirSync(path.dirname(path.join(s.prefix, CONFIG_PATH)), { recursive: true });
  fs.writeFileSync(path.join(s.prefix, CONFIG_PATH), 'daemon:\n  memoryMax: 768M\noutputs:\n  webhooks: [{ name: a, url: "http://x", secret: "${env:NOT_SET_AT_INSTALL}" }]\n');
  const unitLine = (): string | undefined => fs.readFileSync(path.join(s.prefix, UNIT_PATH), 'utf8').split('\n').find((l) => l.startsWith('MemoryMax='));
  t.equal(s.run({ sysusersBinary: '' }).code, 0);
  t.equal(unitLine(), 'MemoryMax=768M', 'from the installed config (its env secrets need not be set)');
  t.equal(s.run({ sysusersBinary: '', memoryMax: '3G' }).code, 0);
  t.equal(unitLine(), 'MemoryMax=3G', 'the option wins');
});
