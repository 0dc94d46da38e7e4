// SystemdNotifier against a real unix datagram receiver (socat), on filesystem and abstract sockets.
import t, { type Test } from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SystemdNotifier, watchdogIntervalMs } from '../../../../src/daemon/systemd';
import { Counters } from '../../../../src/core/counters';
import { NotifyListener, hasSocat, waitUntil } from '../../../helpers/unix-datagram-listener';

const needsSocat = { skip: !hasSocat && 'socat is not installed (.ci/run installs it)' };

function socketDir(t: Test): string {
  // Unix socket paths are limited to 107 bytes, so not t.testdir() (deep under the repo).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-notify-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function listen(t: Test, address: string): Promise<NotifyListener> {
  const listener = await NotifyListener.start(address);
  t.teardown(() => listener.close());
  return listener;
}

function abstractName(): string {
  return `@tapwatch-test-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

t.test('without NOTIFY_SOCKET everything is a no-op', async (t) => {
  const notifier = new SystemdNotifier({ env: { WATCHDOG_USEC: '1000000' } });
  t.equal(notifier.enabled, false);
  t.equal(notifier.watchdogIntervalMs, undefined, 'no watchdog without a socket to ping');
  t.equal(notifier.ready('up'), false);
  t.equal(notifier.reloading(), false);
  t.equal(notifier.status('x'), false);
  t.equal(notifier.watchdog(), false);
  t.equal(notifier.stopping(), false);
  t.equal(notifier.startWatchdog(), false);
  t.equal(notifier.watchdogRunning, false);
});

t.test('watchdog interval is half of WATCHDOG_USEC for this PID only', async (t) => {
  const pid = 4242;
  for (const usec of [30_000_000, 1_000_000, 3_001, 2_000, 1]) {
    t.equal(watchdogIntervalMs({ WATCHDOG_USEC: String(usec) }, pid), Math.max(1, Math.floor(usec / 2 / 1000)), `WATCHDOG_USEC=${usec}`);
  }
  t.equal(watchdogIntervalMs({ WATCHDOG_USEC: '1000000', WATCHDOG_PID: String(pid) }, pid), 500, 'PID matches');
  t.equal(watchdogIntervalMs({ WATCHDOG_USEC: '1000000', WATCHDOG_PID: String(pid + 1) }, pid), undefined, 'another PID');
  for (const bad of [undefined, '', '0', '-5', '1.5', 'abc', '99999999999999999999']) {
    t.equal(watchdogIntervalMs(bad === undefined ? {} : { WATCHDOG_USEC: bad }, pid), undefined, `WATCHDOG_USEC=${bad}`);
  }
});

for (const kind of ['filesystem', 'abstract'] as const) {
  t.test(`state messages reach a ${kind} notify socket`, needsSocat, async (t) => {
    const address = kind === 'abstract' ? abstractName() : path.join(socketDir(t), 'notify');
    const listener = await listen(t, address);
    const counters = new Counters();
    const notifier = new SystemdNotifier({ env: { NOTIFY_SOCKET: address }, counters });
    t.equal(notifier.enabled, true);

    t.equal(notifier.ready('capturing on eth1'), true);
    t.equal(notifier.status('1200 packets/s\n3 endpoints'), true);
    t.equal(notifier.watchdog(), true);
    const before = process.hrtime.bigint() / 1000n;
    t.equal(notifier.reloading('reloading config'), true);
    const after = process.hrtime.bigint() / 1000n;
    t.equal(notifier.stopping(), true);

    const got = await listener.waitForCount(5);
    t.equal(got.length, 5, 'one datagram per call');
    t.equal(got[0], 'READY=1\nSTATUS=capturing on eth1');
    t.equal(got[1], 'STATUS=1200 packets/s 3 endpoints', 'a newline in the status cannot start another assignment');
    t.equal(got[2], 'WATCHDOG=1');
    const reload = (got[3] ?? '').split('\n');
    t.equal(reload[0], 'RELOADING=1');
    t.equal(reload[2], 'STATUS=reloading config');
    const usec = /^MONOTONIC_USEC=([0-9]+)$/.exec(reload[1] ?? '');
    t.ok(usec, `MONOTONIC_USEC present: ${reload[1]}`);
    const monotonic = BigInt(usec?.[1] ?? '0');
    t.ok(monotonic >= before && monotonic <= after, 'MONOTONIC_USEC is the monotonic clock at the time of the call');
    t.equal(got[4], 'STOPPING=1');
    t.same(counters.snapshot('systemd.'), { 'systemd.notify.sent': 5, 'systemd.watchdog.pings': 1 });
  });
}

t.test('a socket nobody listens on is reported, never thrown', async (t) => {
  const errors: Array<{ code: unknown; message: string; state: string }> = [];
  const counters = new Counters();
  const missingPath = path.join(socketDir(t), 'absent');
  for (const address of [missingPath, abstractName()]) {
    const notifier = new SystemdNotifier({
      env: { NOTIFY_SOCKET: address },
      counters,
      onError: (err, state) => errors.push({ code: (err as { code?: unknown }).code, message: err.message, state }),
    });
    t.equal(notifier.ready(), false);
  }
  t.same(
    errors.map((e) => [e.code, e.state]),
    [
      ['ENOENT', 'READY=1'],
      ['ECONNREFUSED', 'READY=1'],
    ],
  );
  t.match(errors[0]?.message, /No such file or directory/, 'errno text in the message');
  t.equal(counters.get('systemd.notify.errors'), 2);
  t.equal(counters.get('systemd.notify.sent'), 0);
});

t.test('watchdog timer pings every WATCHDOG_USEC/2 until stopped', needsSocat, async (t) => {
  const address = abstractName();
  const listener = await listen(t, address);
  const notifier = new SystemdNotifier({ env: { NOTIFY_SOCKET: address, WATCHDOG_USEC: '100000', WATCHDOG_PID: String(process.pid) } });
  t.equal(notifier.watchdogIntervalMs, 50);
  t.equal(notifier.startWatchdog(), true);
  t.teardown(() => notifier.stopWatchdog());
  t.equal(notifier.watchdogRunning, true);
  const pings = await listener.waitForCount(4);
  t.ok(pings.every((m) => m === 'WATCHDOG=1'), 'only keep-alive pings');
  notifier.stopWatchdog();
  t.equal(notifier.watchdogRunning, false);
  // A marker after stopping: nothing may follow it but silence.
  notifier.status('stopped');
  const marked = (await listener.waitForCount(pings.length + 1)).length;
  await sleep(5 * 50);
  const after = listener.messages();
  t.equal(after.length, marked, 'no ping after stopWatchdog()');
  t.equal(after.at(-1), 'STATUS=stopped');
});

t.test('an unhealthy pipeline withholds the ping', needsSocat, async (t) => {
  const address = abstractName();
  const listener = await listen(t, address);
  const notifier = new SystemdNotifier({ env: { NOTIFY_SOCKET: address, WATCHDOG_USEC: '60000' } });
  let healthy = false;
  let checks = 0;
  notifier.startWatchdog(() => {
    checks++;
    return healthy;
  });
  t.teardown(() => notifier.stopWatchdog());
  await waitUntil(() => checks >= 3, 'three health checks');
  notifier.status('marker');
  t.same(await listener.waitForCount(1), ['STATUS=marker'], 'no ping while unhealthy');
  healthy = true;
  const got = await listener.waitForCount(2);
  t.equal(got[1], 'WATCHDOG=1', 'pings resume once healthy');
});

t.test('a watchdog meant for another PID never pings', needsSocat, async (t) => {
  const address = abstractName();
  const listener = await listen(t, address);
  const notifier = new SystemdNotifier({ env: { NOTIFY_SOCKET: address, WATCHDOG_USEC: '20000', WATCHDOG_PID: String(process.pid + 1) } });
  t.equal(notifier.watchdogIntervalMs, undefined);
  t.equal(notifier.startWatchdog(), false);
  t.equal(notifier.watchdogRunning, false);
  await sleep(5 * 10);
  notifier.ready();
  t.same(await listener.waitForCount(1), ['READY=1'], 'READY is the only datagram');
});
