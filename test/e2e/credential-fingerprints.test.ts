// Credentials in replayed records: a fingerprint keyed by the installation key next to the state
// database (the same across runs), never the token or password itself.
import t from 'tap';
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsonLines, runCli } from '../helpers/cli';
import { SHARED_DATA, needsSharedData } from '../helpers/shared-data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tapwatch-credentials-'));
const BEARER = () => path.join(SHARED_DATA, 'pcaps/suricata-verify/tests/http-auth-bearer/input.pcap');
const BASIC = () => path.join(SHARED_DATA, 'pcaps/zeek/Traces/http/basic-auth-with-colon.pcap');

function credentialsOf(args: string[]): { out: string; credentials: unknown[] } {
  const run = runCli(['replay', '--format', 'jsonl', ...args]);
  if (run.code !== 0) throw new Error(run.stderr);
  const http = jsonLines(run.stdout).filter((r) => r['type'] === 'http');
  return { out: run.stdout + run.stderr, credentials: http.flatMap((r) => (r['credentials'] as unknown[] | undefined) ?? []) };
}

t.test('bearer token: same fingerprint across runs on one installation, token never printed', { skip: needsSharedData }, async (t) => {
  const db = path.join(tmp, 'state.db');
  const first = credentialsOf(['--db', db, BEARER()]);
  const again = credentialsOf(['--db', db, BEARER()]);
  t.match(first.credentials, [{ kind: 'bearer-opaque', fingerprint: /^[0-9a-f]{8}$/ }]);
  t.same(again.credentials, first.credentials);
  t.equal(statSync(path.join(tmp, 'installation.key')).mode & 0o777, 0o600);
  t.notOk(first.out.includes('mF_9.B5f-4.1JqM'), 'the token is nowhere in the output');
  const elsewhere = credentialsOf(['--db', path.join(mkdtempSync(path.join(tmp, 'other-')), 'state.db'), BEARER()]);
  t.notSame(elsewhere.credentials, first.credentials, 'another installation, another fingerprint');
});

t.test('basic auth: the kind only', { skip: needsSharedData }, async (t) => {
  const { out, credentials } = credentialsOf([BASIC()]);
  t.same(credentials, [{ kind: 'basic' }]);
  t.notOk(out.includes('dGVzdDoxOjM0'), 'the credential (test:1:34) is nowhere in the output');
});
