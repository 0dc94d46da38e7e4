// Issue 10 §3 through the inventory: Petstore-style user traffic (usernames of every style, PUT,
// DELETE with empty bodies, payment methods, junk pet ids) into an Inventory on a real SQLite file,
// stopped and restarted half-way. The stored rows are the designed endpoints and no call is lost.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inventorySchema, storeSchema } from '../../../../src/config/schema';
import { Counters } from '../../../../src/core/counters';
import type { HttpTransaction } from '../../../../src/http/types';
import { EndpointStore } from '../../../../src/inventory/endpoint-store';
import { Inventory } from '../../../../src/inventory/inventory';
import { INVENTORY_MIGRATIONS } from '../../../../src/inventory/migrations';
import { BatchWriter } from '../../../../src/store/batch-writer';
import { openDatabase } from '../../../../src/store/database';
import { userTraffic, type UserCall } from '../../../helpers/user-traffic';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-templating-'));
const HOST = 'petstore.internal:8080';
let clock = 1_700_000_000;

const json = (keys: readonly string[]): Buffer => Buffer.from(JSON.stringify(Object.fromEntries(keys.map((k) => [k, k === 'id' ? 7 : `v-${k}`]))));

function tx(c: UserCall): HttpTransaction {
  clock += 1;
  const login = c.path === '/user/login';
  const query = login ? 'username=alice&password=secret' : null;
  const reqBody = !login && c.requestKeys.length > 0 ? json(c.requestKeys) : null;
  const respBody = c.responseKeys.length > 0 ? json(c.responseKeys) : c.status === 404 ? Buffer.from('User not found') : null;
  return {
    flowId: 'F1', txId: 1, client: '10.0.0.1:40000', server: '10.0.0.2:8080', clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.0.0.2', serverPort: 8080, vlanIds: [], tunnels: [],
    ts: clock, respTs: clock + 0.01, method: c.method, host: HOST, uri: query ? `${c.path}?${query}` : c.path, path: c.path, query,
    version: '1.1', status: c.status, statusMessage: 'OK', userAgent: 'test', reqContentType: reqBody ? 'application/json' : null, contentEncoding: null,
    respContentEncoding: null, authorization: null, authJwtAlg: null, credentials: [], xForwardedFor: null, forwardedFor: null, cookieNames: [], headers: ['host'], respHeaders: [],
    respContentType: c.responseKeys.length > 0 ? 'application/json' : respBody ? 'text/plain' : null, reqBodyLen: reqBody?.length ?? 0, respBodyLen: respBody?.length ?? 0,
    reqBodyDeclared: reqBody?.length ?? null, respBodyDeclared: respBody?.length ?? null, reqBody, respBody,
    completeness: 'full', upgrade: null, anomalies: [],
  } as HttpTransaction;
}

function open(file: string): { inv: Inventory; store: EndpointStore; close: () => void } {
  const db = openDatabase(file, INVENTORY_MIGRATIONS);
  const counters = new Counters();
  const store = new EndpointStore(db, new BatchWriter(db, file, 10000, counters));
  const inv = new Inventory(inventorySchema.parse({}), storeSchema.parse({ flushIntervalSec: 1 }), counters, store, () => undefined);
  return { inv, store, close: () => db.close() };
}

/** The designed endpoint of a call (Petstore's paths), in the derived template's spelling. */
function designed(c: UserCall): string {
  const segs = c.path.split('/').filter((s) => s !== '');
  if (segs[0] === 'pet') return `${c.method} /pet/{id:int}`;
  if (segs.length === 1) return `${c.method} /user`;
  if (segs.length === 2 && ['login', 'logout', 'createWithList'].includes(segs[1] as string)) return `${c.method} ${c.path}`;
  return `${c.method} /user/{name:str}${segs.length === 3 ? '/' + (segs[2] as string) : ''}`;
}

for (const seed of [41, 42]) {
  t.test(`seed ${seed}: one stored row per designed endpoint across a restart`, async (t) => {
    const calls = userTraffic(seed);
    // Pet reads with a client that sometimes sends junk for the id.
    for (let i = 0; i < 40; i++) {
      calls.splice(i * 15, 0, { method: 'GET', path: `/pet/${i % 9 === 8 ? ['NaN', 'undefined', 'null'][i % 3] : String(1000 + i * 37)}`, requestKeys: [], responseKeys: ['id', 'name', 'status'], status: 200 });
    }
    const file = path.join(tmp, `users-${seed}.db`);
    const half = Math.floor(calls.length / 2);
    for (const part of [calls.slice(0, half), calls.slice(half)]) {
      const { inv, close } = open(file);
      for (const c of part) inv.observe(tx(c));
      inv.flushAll(clock);
      close();
    }
    const { store, close } = open(file);
    const rows = store.list();
    close();
    // the inventory passes the response status, so a name only ever answered 404 is a lookup miss
    // that joins the parameter too: nothing may stay literal
    const want = new Set(calls.map(designed));
    const got = rows.map((r) => `${r.method} ${r.template}`);
    t.same(got.sort(), [...want].sort(), 'stored rows are the designed endpoints');
    const junkCalls = calls.filter((c) => /^\/pet\/(NaN|undefined|null)$/.test(c.path)).length;
    const pet = rows.find((r) => r.method === 'GET' && r.template.startsWith('/pet/{'));
    t.equal((pet?.stats as { junkValues?: number } | null)?.junkValues, junkCalls, 'junk ids are counted on the endpoint they belong to');
    const callsBy = (pred: (method: string) => boolean): [number, number] => [
      rows.filter((r) => pred(r.method)).reduce((n, r) => n + r.calls, 0),
      calls.filter((c) => pred(c.method)).length,
    ];
    const [storedCalls, sentCalls] = callsBy(() => true);
    t.equal(storedCalls, sentCalls, 'every call counted on some row');
    t.equal(rows.find((r) => r.method === 'DELETE')?.calls, calls.filter((c) => c.method === 'DELETE').length, 'DELETE is one row holding every delete');
  });
}
