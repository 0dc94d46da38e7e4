// The SQLite store on real files: WAL, migrations once and in order, typed errors naming the file,
// a full disk that loses nothing once space returns, the pending bound, and a crash mid-write.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Counters } from '../../../src/core/counters';
import { BatchWriter } from '../../../src/store/batch-writer';
import { openDatabase, schemaVersion, StoreError, type Migration } from '../../../src/store/database';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-store-'));
const MIGRATIONS: Migration[] = [
  { version: 1, name: 'items', sql: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)' },
  { version: 2, name: 'item payload', sql: 'ALTER TABLE items ADD COLUMN payload BLOB' },
];

t.test('creates the file and its directory, WAL, migrations applied once', async (t) => {
  const file = path.join(tmp, 'a/b/state.db');
  const db = openDatabase(file, MIGRATIONS);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(schemaVersion(db), 2);
  db.prepare('INSERT INTO items (name) VALUES (?)').run('kept');
  db.close();
  const again = openDatabase(file, MIGRATIONS);
  t.equal((again.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n, 2, 'not re-applied');
  t.equal((again.prepare('SELECT name FROM items').get() as { name: string }).name, 'kept');
  again.close();
});

t.test('a database from a newer Tapwatch is refused, not damaged', async (t) => {
  const file = path.join(tmp, 'newer.db');
  openDatabase(file, MIGRATIONS).close();
  t.throws(() => openDatabase(file, MIGRATIONS.slice(0, 1)), { name: 'StoreError', code: 'STORE_MIGRATION', message: /newer than this Tapwatch/ });
  t.equal(schemaVersion(openDatabase(file, MIGRATIONS)), 2);
});

t.test('bad files and paths give typed errors naming the file', async (t) => {
  const garbage = path.join(tmp, 'garbage.db');
  writeFileSync(garbage, 'this is not a database file '.repeat(200));
  t.throws(() => openDatabase(garbage, MIGRATIONS), { code: 'STORE_NOT_A_DATABASE', message: new RegExp(garbage) });
  const blocker = path.join(tmp, 'a-file');
  writeFileSync(blocker, 'x');
  t.throws(() => openDatabase(path.join(blocker, 'sub/state.db'), MIGRATIONS), { code: 'STORE_OPEN' });
  t.throws(() => openDatabase(path.join(tmp, 'bad-migration.db'), [{ version: 1, name: 'broken', sql: 'CREATE TABLE (' }]), {
    code: 'STORE_MIGRATION',
    message: /migration 1 \(broken\) failed/,
  });
});

t.test('disk full: the batch stays queued and is written once space returns', async (t) => {
  const file = path.join(tmp, 'full.db');
  const db = openDatabase(file, MIGRATIONS);
  const counters = new Counters();
  const writer = new BatchWriter(db, file, 10000, counters);
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages + 2}`);
  const big = Buffer.alloc(64 * 1024, 7);
  for (let i = 0; i < 20; i++) writer.enqueue((d) => d.prepare('INSERT INTO items (name, payload) VALUES (?, ?)').run(`row${i}`, big));
  const failed = writer.flush();
  t.type(failed.error, StoreError);
  t.equal(failed.error?.code, 'STORE_FULL');
  t.equal(failed.pending, 20, 'nothing lost');
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n, 0, 'the failed batch was rolled back whole');
  db.pragma('max_page_count = 1073741823');
  const ok = writer.flush();
  t.equal(ok.written, 20);
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n, 20);
  t.equal(counters.get('store.flush.failed'), 1);
  db.close();
});

t.test('bound: pending writes while the database refuses them', async (t) => {
  const file = path.join(tmp, 'bound.db');
  const db = openDatabase(file, MIGRATIONS);
  const counters = new Counters();
  const writer = new BatchWriter(db, file, 5, counters);
  for (let i = 0; i < 8; i++) writer.enqueue((d) => d.prepare('INSERT INTO items (name) VALUES (?)').run(`n${i}`));
  t.equal(writer.pending, 5);
  t.equal(counters.get('store.pending.dropped'), 3);
  writer.flush();
  t.same((db.prepare('SELECT name FROM items ORDER BY id').all() as { name: string }[]).map((r) => r.name), ['n3', 'n4', 'n5', 'n6', 'n7'], 'the oldest went first');
  db.close();
});

t.test('SIGKILL in the middle of a batch leaves a consistent database', async (t) => {
  const file = path.join(tmp, 'crash.db');
  openDatabase(file, MIGRATIONS).close();
  // The child runs the built module (npm test compiles src/ to dist/ first).
  const dbModule = path.resolve(__dirname, '../../../dist/store/database.js');
  // The child commits one batch, then dies inside the second transaction.
  const script = `
    const { openDatabase } = require(${JSON.stringify(dbModule)});
    const db = openDatabase(${JSON.stringify(file)}, ${JSON.stringify(MIGRATIONS)});
    const insert = db.prepare('INSERT INTO items (name) VALUES (?)');
    db.transaction(() => { for (let i = 0; i < 100; i++) insert.run('committed' + i); })();
    db.transaction(() => { for (let i = 0; i < 100; i++) insert.run('lost' + i); process.kill(process.pid, 'SIGKILL'); })();
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  t.equal(child.signal, 'SIGKILL', `child was killed (${child.stderr.slice(0, 300)})`);
  const db = openDatabase(file, MIGRATIONS);
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const names = (db.prepare('SELECT name FROM items').all() as { name: string }[]).map((r) => r.name);
  t.equal(names.length, 100, 'the committed batch survived');
  t.notOk(names.some((n) => n.startsWith('lost')), 'the interrupted batch left nothing');
  db.close();
});
