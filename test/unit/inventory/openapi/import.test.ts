// Import of OpenAPI 3.0 / 3.1 and Swagger 2.0 (JSON and YAML): operations, servers, parameters,
// security, $ref resolution (cycles, depth), and clear errors for bad specs.
import t from 'tap';
import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { importSpec, loadSpecFile, loadSpecFolder, parseSpecText, SpecError } from '../../../../src/inventory/openapi';
import { OPENAPI_DIR } from './helpers';
import { needsSharedData } from '../../../helpers/shared-data';

function errorOf(fn: () => unknown): SpecError | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof SpecError ? e : undefined;
  }
  return undefined;
}

t.test('the shared specs load with the operation counts of the manifest', { skip: needsSharedData }, async (t) => {
  const { specs, errors } = loadSpecFolder(OPENAPI_DIR);
  t.same(errors.map((e) => e.message), [], 'no errors');
  const byFile = (f: string) => specs.find((s) => s.file.endsWith(f));
  const crapi = byFile('crapi-openapi-spec.json');
  const vampi = byFile('openapi3.yml');
  const petstore = byFile('swagger-petstore-v3/openapi.yaml');
  const docker = byFile('v1.41.yaml');
  t.equal(crapi?.operations.length, 44);
  t.equal(vampi?.operations.length, 14);
  t.equal(petstore?.operations.length, 19);
  t.equal(docker?.operations.length, 106);
  t.equal(crapi?.family, 'openapi3');
  t.equal(docker?.family, 'swagger2');
  t.equal(docker?.specVersion, '2.0');
  t.same(docker?.servers, [{ url: '/v1.41', basePath: '/v1.41' }], '2.0 basePath without host: any host');
  t.same(crapi?.servers, [{ url: 'http://localhost:8888', host: 'localhost:8888', basePath: '' }]);
  t.same(petstore?.servers, [{ url: 'https://petstore3.swagger.io/api/v3', host: 'petstore3.swagger.io', basePath: '/api/v3' }]);
  t.equal(crapi?.title, 'OWASP crAPI API');
  t.ok(specs.some((s) => s.specVersion.startsWith('3.1')), '3.1 examples load');
  // Spec file names are kept for reporting.
  for (const s of specs) t.ok(s.file.startsWith(OPENAPI_DIR), s.file);

  // Security resolved to scheme kinds.
  const dash = crapi?.operations.find((o) => o.path === '/identity/api/v2/user/dashboard');
  t.same(dash?.security.map((alt) => alt.map((s) => [s.kind, s.bearerFormat])), [[['bearer', 'JWT']]]);
  const qr = crapi?.operations.find((o) => o.path === '/workshop/api/shop/return_qr_code');
  t.same(qr?.security, [[]], '`security: [{}]` = anonymous allowed');
  const findPet = petstore?.operations.find((o) => o.method === 'GET' && o.path === '/pet/{petId}');
  t.same(findPet?.security.map((alt) => alt.map((s) => ({ kind: s.kind, in: s.in, paramName: s.paramName }))), [[{ kind: 'apiKey', in: 'header', paramName: 'api_key' }], [{ kind: 'oauth2', in: undefined, paramName: undefined }]]);
  t.same(findPet?.parameters.map((p) => [p.in, p.name, p.types, p.format, p.required]), [['path', 'petId', ['integer'], 'int64', true]]);
  // Responses and request schemas with $refs inlined.
  const addPet = petstore?.operations.find((o) => o.method === 'POST' && o.path === '/pet');
  const petSchema = addPet?.requestBody?.content['application/json'];
  t.equal((petSchema?.['properties'] as Record<string, unknown> | undefined)?.['name'] !== undefined, true, 'Pet schema inlined');
  t.same(addPet?.responses.map((r) => r.status).sort(), ['200', '400', '422', 'DEFAULT'.toLowerCase()].sort());

  // Swagger 2.0 parameters and body.
  const create = docker?.operations.find((o) => o.path === '/containers/create');
  t.same(create?.parameters.map((p) => `${p.in}:${p.name}:${p.types.join('|')}`), ['query:name:string', 'query:platform:string']);
  t.ok(create?.requestBody?.content['application/json'], 'body parameter → request body');
  t.equal(create?.pointer, '/paths/~1containers~1create/post');
  const attach = docker?.operations.find((o) => o.path === '/containers/{id}/attach');
  t.same(attach?.parameters.find((p) => p.name === 'stream')?.types, ['boolean']);
  t.ok(attach?.responses.some((r) => r.status === '101'));
  const headPing = docker?.operations.find((o) => o.method === 'HEAD' && o.path === '/_ping');
  t.ok(headPing, 'HEAD operations are imported');
});

t.test('3.x servers: variables take defaults, host label variables stay wildcards; operation servers win', async (t) => {
  const spec = importSpec(
    {
      openapi: '3.1.0',
      info: { title: 'Vars', version: '2' },
      servers: [
        { url: 'https://{tenant}.api.example.com:{port}/{base}/v{major}', variables: { tenant: { default: 'acme' }, port: { default: '8443' }, base: { default: 'svc' }, major: { default: '3' } } },
      ],
      paths: {
        '/a': { get: { responses: { '200': { description: 'ok' } } } },
        '/b': { servers: [{ url: '/other' }], get: { deprecated: true, servers: [{ url: 'http://b.example.com:80/' }], responses: { default: { description: 'x' } } }, post: { responses: {} } },
      },
    },
    'vars.json',
  );
  t.same(spec.servers, [{ url: 'https://acme.api.example.com:8443/svc/v3', host: '{tenant}.api.example.com:8443', basePath: '/svc/v3' }]);
  const getB = spec.operations.find((o) => o.path === '/b' && o.method === 'GET');
  const postB = spec.operations.find((o) => o.path === '/b' && o.method === 'POST');
  t.same(getB?.servers, [{ url: 'http://b.example.com:80/', host: 'b.example.com', basePath: '' }], 'operation servers; default port dropped');
  t.same(postB?.servers, [{ url: '/other', basePath: '/other' }], 'path item servers');
  t.equal(getB?.deprecated, true);
  t.same(getB?.responses.map((r) => r.status), ['default']);
});

t.test('$ref: parameters, responses, cycles and the depth bound', async (t) => {
  const doc = {
    openapi: '3.0.3',
    info: { title: 'Refs', version: '1' },
    paths: {
      '/nodes/{id}': {
        parameters: [{ $ref: '#/components/parameters/Id' }],
        get: { responses: { '200': { $ref: '#/components/responses/Node' } } },
      },
    },
    components: {
      parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'integer' } } },
      responses: { Node: { description: 'n', content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } },
      schemas: {
        Node: { type: 'object', nullable: true, properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } }, deep: { $ref: '#/components/schemas/L1' } } },
        L1: { type: 'object', properties: { next: { $ref: '#/components/schemas/L2' } } },
        L2: { type: 'object', properties: { next: { $ref: '#/components/schemas/L3' } } },
        L3: { type: 'object', properties: { leaf: { type: 'boolean' } } },
      },
    },
  };
  const spec = importSpec(doc, 'refs.yaml');
  const op = spec.operations[0];
  t.same(op?.parameters.map((p) => [p.in, p.name, p.types]), [['path', 'id', ['integer']]]);
  const schema = op?.responses[0]?.content['application/json'];
  const props = schema?.['properties'] as Record<string, Record<string, unknown>>;
  t.equal(props['name']?.['type'], 'string');
  const items = props['children']?.['items'] as Record<string, unknown>;
  t.same(items, { 'x-tapwatch-ref': '#/components/schemas/Node', 'x-tapwatch-unresolved': 'cycle' }, 'cycle cut with a marker');
  const deep = props['deep'] as Record<string, unknown>;
  t.ok(JSON.stringify(deep).includes('"leaf"'), 'non-cyclic refs inlined');
  const shallow = importSpec(doc, 'refs.yaml', { maxRefDepth: 2 });
  const sp = (shallow.operations[0]?.responses[0]?.content['application/json']?.['properties'] as Record<string, Record<string, unknown>>)['deep'];
  t.match(JSON.stringify(sp), /"x-tapwatch-unresolved":"depth"/, 'depth bound leaves a marker');
});

t.test('bad specs give SpecErrors naming the file and the JSON pointer', async (t) => {
  const brokenRef = {
    openapi: '3.0.0',
    info: { title: 'Broken', version: '1' },
    paths: { '/x': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Missing' } } } } } } } },
  };
  let caught: unknown;
  try {
    importSpec(brokenRef, 'broken.json');
  } catch (e) {
    caught = e;
  }
  t.type(caught, SpecError);
  const se = caught as SpecError;
  t.equal(se.file, 'broken.json');
  t.equal(se.pointer, '/paths/~1x/get/responses/200/content/application~1json/schema');
  t.match(se.message, /^broken\.json#\/paths\/~1x\/get\/responses\/200\/content\/application~1json\/schema: \$ref #\/components\/schemas\/Missing points to nothing$/);
  t.equal(errorOf(() => importSpec({ ...brokenRef, paths: { '/x': { get: { parameters: [{ $ref: '#/components/parameters/Nope' }], responses: {} } } } }, 'p.json'))?.pointer, '/paths/~1x/get/parameters/0');
  t.throws(() => parseSpecText('openapi: 3.0.0\ninfo:\n  title: [unclosed\n', 'bad.yaml'), { name: 'SpecError', file: 'bad.yaml', message: /^bad\.yaml#: invalid YAML at line \d+, column \d+/ });
  t.throws(() => parseSpecText('{"openapi": "3.0.0",', 'bad.json'), { file: 'bad.json', message: /invalid JSON/ });
  t.throws(() => importSpec({ swagger: '1.2', info: {} }, 'old.json'), { pointer: '/swagger', message: /unsupported version 1\.2/ });
  t.throws(() => importSpec([1, 2], 'arr.json'), { message: /document is not an object/ });
  t.equal(errorOf(() => importSpec({ openapi: '3.0.0', info: { title: 'x', version: '1' }, paths: { '/a': { get: 'nope' } } }, 'op.json'))?.pointer, '/paths/~1a/get');
  t.equal(errorOf(() => importSpec({ openapi: '3.0.0', info: { title: 'x', version: '1' }, paths: { '/a': { get: { parameters: [{ name: 'q', in: 'body' }] } } } }, 'in.json'))?.pointer, '/paths/~1a/get/parameters/0/in');
  t.throws(() => loadSpecFile('/nonexistent/spec.yaml'), { message: /cannot read/ });

  // An unknown security scheme name is a warning, not a failure.
  const s = importSpec({ openapi: '3.0.0', info: { title: 'x', version: '1' }, security: [{ ghost: [] }], paths: { '/a': { get: { responses: {} } } } }, 'w.json');
  t.same(s.operations[0]?.security, [[{ name: 'ghost', kind: 'unknown' }]]);
  t.match(s.warnings, [{ file: 'w.json', message: /undefined scheme "ghost"/ }]);
  // External refs are left unresolved with a warning.
  const ext = importSpec({ openapi: '3.0.0', info: { title: 'x', version: '1' }, paths: { '/a': { get: { responses: { '200': { description: 'd', content: { 'application/json': { schema: { $ref: 'other.yaml#/X' } } } } } } } } }, 'e.json');
  t.match(ext.warnings, [{ message: /external \$ref other\.yaml#\/X/ }]);

  // A folder with one good and two bad files: one spec, two errors, no throw; non-spec JSON skipped.
  const dir = mkdtempSync(path.join(tmpdir(), 'tapwatch-openapi-'));
  writeFileSync(path.join(dir, 'good.yaml'), 'openapi: 3.1.0\ninfo: {title: Good, version: "1"}\npaths:\n  /ok:\n    get:\n      responses: {"200": {description: ok}}\n');
  writeFileSync(path.join(dir, 'bad.yaml'), 'openapi: 3.1.0\npaths: [\n');
  writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(brokenRef));
  writeFileSync(path.join(dir, 'collection.json'), JSON.stringify({ info: { name: 'postman' }, item: [] }));
  const { specs, errors } = loadSpecFolder(dir);
  t.same(specs.map((x) => x.title), ['Good']);
  t.same(errors.map((e) => path.basename(e.file)).sort(), ['bad.yaml', 'broken.json']);
  t.ok(errors.every((e) => e.message.startsWith(e.file + '#')), 'messages start with file#pointer');
});

t.test('Swagger 2.0 formData, securityDefinitions and host/basePath', async (t) => {
  const spec = importSpec(
    parseSpecText(
      [
        'swagger: "2.0"',
        'info: {title: Two, version: "1.0"}',
        'host: api.example.com:8080',
        'basePath: /api/',
        'schemes: [https]',
        'securityDefinitions:',
        '  key: {type: apiKey, in: query, name: api_key}',
        '  basic: {type: basic}',
        'security: [{key: []}]',
        'paths:',
        '  /upload:',
        '    post:',
        '      security: [{basic: []}, {}]',
        '      consumes: [multipart/form-data]',
        '      parameters:',
        '        - {name: file, in: formData, type: file, required: true}',
        '        - {name: note, in: formData, type: string}',
        '        - {name: X-Trace, in: header, type: string}',
        '      responses: {"201": {description: created}}',
      ].join('\n'),
      'two.yaml',
    ),
    'two.yaml',
  );
  t.same(spec.servers, [{ url: 'https://api.example.com:8080/api', host: 'api.example.com:8080', basePath: '/api' }]);
  const op = spec.operations[0];
  t.same(op?.security.map((a) => a.map((s) => s.kind)), [['basic'], []]);
  t.same(op?.parameters.map((p) => `${p.in}:${p.name}`), ['header:X-Trace']);
  t.same(op?.requestBody?.required, true);
  t.same(Object.keys(op?.requestBody?.content ?? {}), ['multipart/form-data']);
  t.same(spec.securitySchemes['key'], { name: 'key', kind: 'apiKey', in: 'query', paramName: 'api_key' });
});
