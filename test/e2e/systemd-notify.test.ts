// The watchdog in a real process: pings come from the event loop, so a hung loop stops them (systemd
// then kills and restarts the service), and the timer never keeps an idle process alive.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { REPO } from '../helpers/paths';
import { NotifyListener, hasSocat, waitUntil } from '../helpers/unix-datagram-listener';

const SYSTEMD_JS = path.join(REPO, 'dist/daemon/systemd.js');
const needsSocat = { skip: !hasSocat && 'socat is not installed (.ci/run installs it)' };
const INTERVAL_MS = 50;

/** Starts `node -e script` with the notify environment of a Type=notify service with WatchdogSec. */
function startDaemonLike(t: Test, address: string, script: string): { exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, NOTIFY_SOCKET: address, WATCHDOG_USEC: String(INTERVAL_MS * 2 * 1000), SYSTEMD_JS },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { exit };
}

async function listen(t: Test): Promise<NotifyListener> {
  const listener = await NotifyListener.start(`@tapwatch-e2e-${process.pid}-${randomBytes(4).toString('hex')}`);
  t.teardown(() => listener.close());
  return listener;
}

t.test('a hung event loop stops the watchdog pings', needsSocat, async (t) => {
  const listener = await listen(t);
  startDaemonLike(
    t,
    listener.address,
    `const { SystemdNotifier } = require(process.env.SYSTEMD_JS);
     const n = new SystemdNotifier();
     n.ready();
     n.startWatchdog();
     setTimeout(() => { n.notify('X_TAPWATCH_HANG=1'); for (;;) {} }, ${INTERVAL_MS * 4});`,
  );
  await waitUntil(() => listener.messages().includes('X_TAPWATCH_HANG=1'), 'the child to announce its hang');
  const atHang = listener.messages().length;
  // Well past the ping interval: a live loop would have pinged several times by now.
  await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 6));
  const got = listener.messages();
  const hangAt = got.indexOf('X_TAPWATCH_HANG=1');
  t.equal(got[0], 'READY=1');
  t.ok(got.slice(1, hangAt).filter((m) => m === 'WATCHDOG=1').length >= 2, `pinged while healthy: ${JSON.stringify(got)}`);
  t.equal(got.length, atHang, 'nothing after the hang');
  t.equal(hangAt, got.length - 1, 'the hang marker is the last datagram');
});

t.test('the watchdog timer does not keep an idle process alive', needsSocat, async (t) => {
  const listener = await listen(t);
  const { exit } = startDaemonLike(
    t,
    listener.address,
    `const { SystemdNotifier } = require(process.env.SYSTEMD_JS);
     const n = new SystemdNotifier();
     if (!n.startWatchdog()) process.exit(3);
     n.stopping();`,
  );
  const code = await Promise.race([exit, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 5000))]);
  t.equal(code, 0, 'exits by itself with the watchdog armed');
  t.same(await listener.waitForCount(2), ['WATCHDOG=1', 'STOPPING=1']);
});
