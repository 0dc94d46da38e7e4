// The local API on a unix socket (api.socket.path) with a real client (http.request socketPath):
// the same routes without a token, authorised as api.socket.role because only the socket file's
// owner can connect (mode 0600 even under umask 000); a stale socket file is replaced at start, and
// feedback over it is audited as the unix socket.
import t, { type Test } from 'tap';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { startTestApi } from '../unit/daemon/api-fixture';

/** Socket paths are limited to 107 bytes: tap's fixture directories are too deep for them. */
function shortDir(t: Test): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tw-sock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function overSocket(socketPath: string, p: string, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: p, method, headers: body !== undefined ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

t.test('the unix socket serves every route without a token and is 0600', async (t) => {
  const dir = shortDir(t);
  const socketPath = path.join(dir, 'api.sock');
  // a socket left behind by a killed daemon: a process that bound it and exited without unlinking
  const bound = spawnSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', socketPath]);
  t.equal(bound.status, 0, String(bound.stderr));
  t.ok(statSync(socketPath).isSocket(), 'a stale socket file is there');

  const umask = process.umask(0);
  let a: Awaited<ReturnType<typeof startTestApi>>;
  try {
    a = await startTestApi(dir, { socket: { path: socketPath } });
  } finally {
    process.umask(umask);
  }
  t.teardown(() => a.close());
  t.equal(a.api.socketPath, socketPath);
  t.equal(statSync(socketPath).mode & 0o777, 0o600, 'mode 0600 although the umask was 000');

  t.equal((await overSocket(socketPath, '/alerts')).status, 200, 'GET /alerts without a token');
  t.equal((await overSocket(socketPath, '/metrics')).status, 200, '/metrics without a token');
  const fb = await overSocket(socketPath, `/alerts/${encodeURIComponent(a.alertId)}/feedback`, 'POST', JSON.stringify({ verdict: 'true-positive', by: 'someone' }));
  t.equal(fb.status, 200, 'feedback as admin (the default socket role)');
  t.match(a.store.listFeedback(), [{ alertId: a.alertId, by: 'unix-socket' }]);
  t.same(a.audited.map((e) => e.actor), [{ kind: 'unix-socket', name: 'unix-socket', address: 'unix-socket' }]);
  t.equal((await fetch(`http://127.0.0.1:${a.api.address.port}/alerts`)).status, 401, 'TCP still needs a token');

  await a.close();
  t.throws(() => statSync(socketPath), { code: 'ENOENT' }, 'the socket file goes at close');
});

t.test('api.socket.role read: feedback over the socket is forbidden', async (t) => {
  const dir = shortDir(t);
  const socketPath = path.join(dir, 'ro.sock');
  const a = await startTestApi(dir, { socket: { path: socketPath, role: 'read' } });
  t.teardown(() => a.close());
  t.equal((await overSocket(socketPath, '/alerts')).status, 200);
  const fb = await overSocket(socketPath, `/alerts/${encodeURIComponent(a.alertId)}/feedback`, 'POST', JSON.stringify({ verdict: 'true-positive' }));
  t.equal(fb.status, 403);
  t.same(a.store.listFeedback(), []);
});

t.test('a regular file at api.socket.path is not removed: start refuses naming it', async (t) => {
  const dir = shortDir(t);
  const file = path.join(dir, 'not-a-socket');
  writeFileSync(file, 'keep me');
  await t.rejects(startTestApi(dir, { socket: { path: file } }), { message: `api.socket.path ${file} exists and is not a socket; remove it or choose another path` });
  t.equal(statSync(file).size, 7, 'the file is untouched');
  const long = path.join(dir, 'x'.repeat(120), 'api.sock');
  await t.rejects(startTestApi(t.testdir(), { socket: { path: long } }), { message: /longer than 107 bytes, the limit of a unix socket path/ }, 'config validation refuses a path the kernel would cut short');
});
