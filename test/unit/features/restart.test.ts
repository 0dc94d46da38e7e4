// Restart exactness: traffic A then a restart then traffic B into one SQLite file must leave the
// same baselines (every stored row, byte for byte) and hand over the same ended sessions as A and B
// in one run. The traffic is generated per seed: people with habits over three days, one-off tokens,
// list responses that show ids, reads of shown and unshown ids, errors, request bodies with a new
// field, pauses that end sessions; it is cut at several points (mid-session, mid-hour, between days).
import t from 'tap';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { SessionEnd } from '../../../src/features/types';
import { prng } from '../../helpers/prng';
import { MONDAY, openStage, tmp, type TxSpec } from './helpers';

function traffic(seed: number): TxSpec[] {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const out: TxSpec[] = [];
  const people = ['user:ann', 'user:bob', 'user:cid', 'key:9f0c21d4', 'ip:10.0.0.9'];
  let ts = MONDAY + 8 * 3600;
  for (let i = 0; i < 2500; i++) {
    ts += rnd() < 0.02 ? 1800 + rnd() * 20000 : rnd() * 20;
    const identity = rnd() < 0.08 ? `key:oneoff${i}` : pick(people);
    const clientIp = identity === 'ip:10.0.0.9' ? '10.0.0.9' : pick(['10.0.0.1', '10.0.0.2', '192.0.2.7']);
    const r = rnd();
    const base = { ts, identity: identity === 'ip:10.0.0.9' ? null : identity, clientIp, userAgent: pick(['app/1', 'app/2', 'curl/8']) };
    if (r < 0.15) out.push({ ...base, path: '/orders', respBody: Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => ({ id: 1 + Math.floor(rnd() * 40), total: 9 })) });
    else if (r < 0.55) {
      const id = 1 + Math.floor(rnd() * 50);
      const status = id > 45 ? 404 : rnd() < 0.05 ? 403 : 200;
      out.push({ ...base, path: `/orders/${id}`, template: '/orders/{id:int}', status, respBody: status === 200 ? { id, total: 9 } : { error: 'no' } });
    } else if (r < 0.7) out.push({ ...base, method: 'POST', path: '/orders', status: 201, reqBody: rnd() < 0.05 ? { item: 'x', qty: 1, isAdmin: true } : { item: 'x', qty: 1 }, respBody: { id: 100 + i } });
    else if (r < 0.8) out.push({ ...base, path: '/login', status: rnd() < 0.3 ? 401 : 200, respBody: { ok: true } });
    else out.push({ ...base, path: '/health', template: null, respBody: 'ok', respContentType: 'text/plain' });
  }
  return out;
}

interface Run {
  rows: unknown[];
  sessions: string[];
}

function replayInto(file: string, parts: TxSpec[][]): Run {
  rmSync(path.join(tmp, file), { force: true });
  const sessions: string[] = [];
  for (const part of parts) {
    const s = openStage(file, { historyWindows: 8, bodySampling: { learnReads: 3, sampleEvery: 7, requestSampleEvery: 2 } });
    s.stage.view.onSessionEnd((e: SessionEnd) => sessions.push(`${e.identity} ${e.start} ${e.end} ${Array.from(e.vector).join(',')}`));
    s.feed(part);
    s.close((part[part.length - 1] as TxSpec).ts);
  }
  const check = openStage(file);
  const rows = check.db?.prepare('SELECT kind, key, template, first_seen, last_seen, requests, state FROM baselines ORDER BY kind, key').all() ?? [];
  check.db?.close();
  return { rows, sessions: sessions.sort() };
}

for (const seed of [5, 77]) {
  const all = traffic(seed);
  const whole = replayInto(`whole-${seed}.db`, [all]);
  t.test(`seed ${seed}: ${whole.rows.length} baselines, ${whole.sessions.length} sessions`, async (t) => {
    t.ok(whole.rows.length > 20 && whole.sessions.length > 10, 'the traffic exercises the baselines');
    for (const cut of [1, 417, 1250, 2222]) {
      const split = replayInto(`split-${seed}-${cut}.db`, [all.slice(0, cut), all.slice(cut)]);
      t.same(split.rows, whole.rows, `cut at ${cut}: every stored baseline equal`);
      t.same(split.sessions, whole.sessions, `cut at ${cut}: the same sessions ended`);
    }
    const thirds = replayInto(`thirds-${seed}.db`, [all.slice(0, 800), all.slice(800, 1600), all.slice(1600)]);
    t.same(thirds.rows, whole.rows, 'three restarts: equal');
  });
}
