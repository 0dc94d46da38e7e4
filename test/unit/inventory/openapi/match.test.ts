// Matching observed requests to spec operations: base paths, the optional version prefix (Docker's
// `/v1.41`), literal-beats-parameter, hosts, HEAD → GET.
import t, { type Test } from 'tap';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { importSpec, loadSpecFile, SpecMatcher, hostMatches } from '../../../../src/inventory/openapi';
import { jsonLines, runCli } from '../../../helpers/cli';
import { CLI, TRACES } from '../../../helpers/paths';
import { needsSharedData, sharedData } from '../../../helpers/shared-data';
import { OPENAPI_DIR } from './helpers';

const DOCKER_SPEC = path.join(OPENAPI_DIR, 'docker-engine-v1.41/v1.41.yaml');
const DOCKER_PCAP = path.join(TRACES, 'docker-http-upgrade.pcap');
const ZEEK_LOG = sharedData('pcaps/zeek/Baseline/scripts.base.protocols.http.upgrade-to-tcp/http.log.cut');

const EXPECTED_DOCKER = [
  ['HEAD', '/_ping', 'HEAD /_ping'],
  ['POST', '/v1.41/containers/create', 'POST /containers/create'],
  ['POST', '/v1.41/containers/{id}/attach', 'POST /containers/{id}/attach'],
  ['POST', '/v1.41/containers/{id}/wait', 'POST /containers/{id}/wait'],
  ['POST', '/v1.41/containers/{id}/start', 'POST /containers/{id}/start'],
  ['POST', '/v1.41/containers/{id}/resize', 'POST /containers/{id}/resize'],
];
const CID = 'cc4fc8e49cadbb8bc41437dc2f9979a72293eabc3f0ea5ce48b77f43cb1f1d5e';

type T = Test;

function checkDocker(t: T, reqs: { host: string; method: string; uri: string }[]): void {
  const spec = loadSpecFile(DOCKER_SPEC);
  const m = new SpecMatcher([spec]);
  t.equal(reqs.length, 6, 'six requests');
  const got = reqs.map((r) => {
    const mm = m.match(r.host, r.method, r.uri);
    return { key: `${r.method} ${r.uri.split('?')[0]!.replace(CID, '{id}')}`, op: mm ? `${mm.operation.method} ${mm.operation.path}` : 'NONE', base: mm?.basePath, id: mm?.pathParams['id'] };
  });
  for (const [method = '', p = '', op = ''] of EXPECTED_DOCKER) {
    const g = got.find((x) => x.key === `${method} ${p}`);
    t.equal(g?.op, op, `${method} ${p} → ${op}`);
    t.equal(g?.base, p === '/_ping' ? '' : '/v1.41', 'base path stripped');
    if (p.includes('{id}')) t.equal(g?.id, CID, 'container id bound to {id}');
  }
}

t.test('Docker: the six requests of docker-http-upgrade.pcap (tapwatch replay) match with /v1.41 handled', { skip: needsSharedData || (!existsSync(CLI) && 'dist not built') }, async (t) => {
  const run = runCli(['replay', '--format', 'jsonl', DOCKER_PCAP]);
  t.equal(run.code, 0, run.stderr);
  const reqs = jsonLines(run.stdout)
    .filter((r) => r['type'] === 'http')
    .map((r) => ({ host: String(r['host'] ?? ''), method: String(r['method']), uri: String(r['uri']) }));
  checkDocker(t, reqs);
});

t.test('Docker: the same six requests from Zeek http.log', { skip: needsSharedData }, async (t) => {
  const rows = readFileSync(ZEEK_LOG, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('uid'))
    .map((l) => l.split('\t'));
  checkDocker(t, rows.map((c) => ({ host: '192.168.122.87:2375', method: c[2] ?? '', uri: c[3] ?? '' })));
});

t.test('Docker: unversioned paths, other versions, and the prefix list is configurable', { skip: needsSharedData }, async (t) => {
  const spec = loadSpecFile(DOCKER_SPEC);
  const m = new SpecMatcher([spec]);
  // the base path names the version (/v1.41): /v1.43 is another API version, not this spec's
  t.equal(m.match('', 'POST', `/v1.43/containers/${CID}/wait`), undefined, 'another version is not stripped where the base path names one');
  const other = m.matchOtherVersion('', 'POST', `/v1.43/containers/${CID}/wait`);
  t.equal(other?.match.operation.path, '/containers/{id}/wait', 'it is the same operation under another version');
  t.equal(other?.seen, '/v1.43');
  t.equal(other?.specBase, '/v1.41');
  t.equal(m.matchOtherVersion('', 'POST', `/v1.41/containers/${CID}/wait`), undefined, 'the spec version is no other version');
  t.equal(m.match('', 'GET', '/containers/json')?.operation.path, '/containers/json', 'unversioned call: version base path optional');
  t.equal(m.match('', 'GET', '/v1.41/containers/json')?.basePath, '/v1.41');
  t.equal(m.match('', 'GET', '/v1.41/nope'), undefined);
  const strict = new SpecMatcher([spec], { versionPrefixes: [] });
  t.equal(strict.match('', 'POST', `/v1.43/containers/${CID}/wait`), undefined, 'no prefix patterns: /v1.43 not stripped');
  t.equal(strict.match('', 'POST', `/v1.41/containers/${CID}/wait`)?.operation.path, '/containers/{id}/wait', 'base path still stripped');
  t.equal(strict.match('', 'GET', '/containers/json'), undefined, 'and not optional without patterns');
});

const SPEC = importSpec(
  {
    openapi: '3.1.0',
    info: { title: 'M', version: '1' },
    servers: [{ url: 'https://api.example.com/base' }],
    paths: {
      '/users/{id}': { get: { responses: {} } },
      '/users/me': { get: { responses: {} } },
      '/users/{id}/posts/{postId}': { get: { responses: {} } },
      '/users/{id}/posts/latest': { get: { responses: {} } },
      '/files/{name}.json': { get: { responses: {} } },
      '/files/{name}': { get: { responses: {} } },
      '/': { get: { responses: {} } },
      '/things/': { post: { responses: {} } },
      '/a b': { get: { responses: {} } },
    },
  },
  'm.json',
);

t.test('literal beats parameter, mixed beats bare, one segment per {param}', async (t) => {
  const m = new SpecMatcher([SPEC]);
  const op = (p: string, method = 'GET', host = 'api.example.com') => m.match(host, method, p)?.operation.path;
  t.equal(op('/base/users/me'), '/users/me');
  t.equal(op('/base/users/42'), '/users/{id}');
  t.same(m.match('api.example.com', 'GET', '/base/users/42')?.pathParams, { id: '42' });
  t.equal(op('/base/users/42/posts/latest'), '/users/{id}/posts/latest');
  t.equal(op('/base/users/42/posts/7'), '/users/{id}/posts/{postId}');
  t.equal(op('/base/users/42/extra/7'), undefined, '{param} does not span segments');
  t.equal(op('/base/files/report.json'), '/files/{name}.json');
  t.same(m.match('api.example.com', 'GET', '/base/files/report.json')?.pathParams, { name: 'report' });
  t.equal(op('/base/files/report.csv'), '/files/{name}');
  t.equal(op('/base'), '/');
  t.equal(op('/base/'), '/');
  t.equal(op('/base/things', 'POST'), '/things/', 'trailing slashes ignored');
  t.equal(op('/base/a%20b'), '/a b', 'percent-decoded');
  t.equal(op('/base/users/42?x=1'), '/users/{id}', 'query ignored');
  t.equal(op('/users/42'), undefined, 'base path required (not a version prefix)');
  t.equal(op('/base/users/{id:int}'), '/users/{id}', 'observed template parameter matches a spec parameter');
  t.equal(op('/base/users/{id:int}/posts/{id2:int}'), '/users/{id}/posts/{postId}');
  t.equal(op('/base/{seg}/me'), undefined, 'observed parameter never matches a spec literal');
  t.equal(op('/base/users/me', 'HEAD'), '/users/me', 'HEAD falls back to GET');
  t.equal(m.match('api.example.com', 'HEAD', '/base/users/me')?.methodFallback, true);
  t.equal(new SpecMatcher([SPEC], { headMatchesGet: false }).match('api.example.com', 'HEAD', '/base/users/me'), undefined);
  t.equal(op('/base/users/me', 'DELETE'), undefined);
});

t.test('hosts: server hosts restrict, loopback servers and relative URLs match any host', async (t) => {
  const m = new SpecMatcher([SPEC]);
  t.ok(m.match('API.example.com', 'GET', '/base/users/1'), 'case-insensitive');
  t.ok(m.match('api.example.com:443', 'GET', '/base/users/1'), 'port only compared when both sides have one');
  t.notOk(m.match('other.example.com', 'GET', '/base/users/1'));
  t.ok(m.match('', 'GET', '/base/users/1'), 'unknown host matches');
  t.ok(new SpecMatcher([SPEC], { ignoreHosts: true }).match('other.example.com', 'GET', '/base/users/1'));
  const local = importSpec({ openapi: '3.0.0', info: { title: 'L', version: '1' }, servers: [{ url: 'http://localhost:5000' }], paths: { '/x': { get: {} } } }, 'l.json');
  t.ok(new SpecMatcher([local]).match('10.0.0.5:5000', 'GET', '/x'), 'localhost server = placeholder');
  t.notOk(new SpecMatcher([local], { wildcardHosts: [] }).match('10.0.0.5:5000', 'GET', '/x'));
  t.ok(hostMatches('{tenant}.api.example.com', 'acme.api.example.com'));
  t.ok(hostMatches('acme.api.example.com', '{tenant}.api.example.com'));
  t.notOk(hostMatches('{tenant}.api.example.com', 'api.example.com'));
  t.notOk(hostMatches('h:8080', 'h:8081'));
});

t.test('optional version prefixes never shadow a real match', async (t) => {
  const spec = importSpec(
    {
      openapi: '3.0.0',
      info: { title: 'V', version: '1' },
      paths: { '/v2/items': { get: {} }, '/items': { get: {} }, '/api/v3/users/{id}': { get: {} }, '/orders': { get: {} } },
    },
    'v.json',
  );
  const m = new SpecMatcher([spec]);
  t.equal(m.match('', 'GET', '/v2/items')?.operation.path, '/v2/items', 'spec path with a version wins over stripping');
  t.equal(m.match('', 'GET', '/v2/items')?.strippedPrefix, undefined);
  t.equal(m.match('', 'GET', '/v3/items')?.operation.path, '/items');
  t.equal(m.match('', 'GET', '/api/v3/users/9')?.operation.path, '/api/v3/users/{id}');
  t.equal(m.match('', 'GET', '/api/v1/orders')?.strippedPrefix, '/api/v1');
  t.equal(m.match('', 'GET', '/x/v1/orders'), undefined, 'prefixes only at the start');
  const custom = new SpecMatcher([spec], { versionPrefixes: ['/rest/{n}'] });
  t.equal(custom.match('', 'GET', '/rest/7/orders')?.strippedPrefix, '/rest/7');
  t.equal(custom.match('', 'GET', '/v1/orders'), undefined);
});
