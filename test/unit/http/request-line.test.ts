// Lenient request lines (parseRequestLine) and content detection of unknown method tokens.
import t from 'tap';
import { parseRequestLine } from '../../../src/http/request-line';
import { KIND_ANY, KIND_REQUEST, PROBE_MORE, PROBE_NO, classifyLineStart } from '../../../src/http/probe';

t.test('request lines read as Zeek reads them', async (t) => {
  const cases: [string, ReturnType<typeof parseRequestLine>][] = [
    ['GET / HTTP/1.1', { method: 'GET', target: '/', major: 1, minor: 1, http09: false, anomalies: [] }],
    ['GET / HTTP/1.', { method: 'GET', target: '/', major: 1, minor: 1, http09: false, anomalies: ['http.request.bad_version'] }],
    ['CCM_POST / HTTP/1.1', { method: 'CCM_POST', target: '/', major: 1, minor: 1, http09: false, anomalies: [] }],
    ['GET /Hello Arkime HTTP/1.0', { method: 'GET', target: '/Hello Arkime', major: 1, minor: 0, http09: false, anomalies: ['http.request.lenient_line'] }],
    ['GET HTTP/1.1', { method: 'GET', target: '', major: 1, minor: 1, http09: false, anomalies: ['http.request.missing_target'] }],
    ['GET /HTTP/1.1', { method: 'GET', target: '/HTTP/1.1', major: 1, minor: 1, http09: true, anomalies: [] }],
    ['GET /x ', { method: 'GET', target: '/x', major: 1, minor: 1, http09: true, anomalies: ['http.request.lenient_line'] }],
    ['GET\t/ HTTP/1.1', { method: 'GET', target: '/', major: 1, minor: 1, http09: false, anomalies: ['http.request.lenient_line'] }],
    ['OPTIONS', null],
    ['GET/ HTTP/1.1', null],
    ['\x01\x02 x', null],
    ['GO /', null], // HTTP/0.9 needs a method of 3 characters at least (as Zeek)
  ];
  for (const [line, want] of cases) t.same(parseRequestLine(line, false), want, JSON.stringify(line));
});

t.test('a start line cut short keeps method and target', async (t) => {
  t.same(parseRequestLine('GET /images/a.gif HTT', true), { method: 'GET', target: '/images/a.gif', major: 1, minor: 1, http09: false, anomalies: [] });
  t.same(parseRequestLine('GET /images/a.gif HTTP/1.', true)?.target, '/images/a.gif');
  t.same(parseRequestLine('GET /a', true)?.http09, false, 'no version seen: not taken as HTTP/0.9');
});

t.test('unknown upper-case method tokens start a request only when asked (configured ports)', async (t) => {
  t.equal(classifyLineStart('CCM_POST / HTTP/1.', KIND_ANY), PROBE_NO);
  t.equal(classifyLineStart('CCM_POST / HTTP/1.', KIND_ANY, true), KIND_REQUEST);
  t.equal(classifyLineStart('CCM_PO', KIND_ANY, true), PROBE_MORE);
  t.equal(classifyLineStart('ETA unknown', KIND_ANY, true), KIND_REQUEST);
  t.equal(classifyLineStart('Ab /', KIND_ANY, true), PROBE_NO, 'lower case: not a method');
  t.equal(classifyLineStart('GET /', KIND_ANY), KIND_REQUEST);
});
