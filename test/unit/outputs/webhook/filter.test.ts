// Per-destination filters: minimum severity, detector list, host list (exact or *.domain); empty lists
// mean all.
import t from 'tap';
import { SEVERITIES } from '../../../../src/alerting/types';
import { matchesFilter } from '../../../../src/outputs/webhook/filter';
import type { DestinationFilter } from '../../../../src/outputs/types';
import { makeAlert } from '../../../fixtures/outbox/alerts';

const all: DestinationFilter = { minSeverity: 'info', detectors: [], hosts: [] };

t.test('minimum severity', async (t) => {
  for (const min of SEVERITIES) {
    for (const sev of SEVERITIES) {
      const expected = SEVERITIES.indexOf(sev) >= SEVERITIES.indexOf(min);
      t.equal(matchesFilter({ ...all, minSeverity: min }, makeAlert(1, sev)), expected, `${sev} vs min ${min}`);
    }
  }
});

t.test('detectors', async (t) => {
  t.ok(matchesFilter(all, makeAlert(1)), 'empty list = all');
  t.ok(matchesFilter({ ...all, detectors: ['bola', 'credential-stuffing'] }, makeAlert(1)));
  t.notOk(matchesFilter({ ...all, detectors: ['bola'] }, makeAlert(1)));
});

t.test('hosts', async (t) => {
  const at = (host: string) => makeAlert(1, 'high', { endpoint: { host, method: 'GET', template: '/x' } });
  t.ok(matchesFilter({ ...all, hosts: ['api.example.com'] }, at('API.Example.com')), 'case-insensitive');
  t.notOk(matchesFilter({ ...all, hosts: ['api.example.com'] }, at('api.example.org')));
  t.ok(matchesFilter({ ...all, hosts: ['*.example.com'] }, at('eu.api.example.com')), 'wildcard: any subdomain');
  t.notOk(matchesFilter({ ...all, hosts: ['*.example.com'] }, at('example.com')), 'wildcard: not the bare domain');
  t.notOk(matchesFilter({ ...all, hosts: ['*.example.com'] }, at('badexample.com')));
  t.notOk(matchesFilter({ ...all, hosts: ['api.example.com'] }, makeAlert(1, 'high', { endpoint: undefined })), 'no endpoint, host list set');
  t.ok(matchesFilter(all, makeAlert(1, 'high', { endpoint: undefined })), 'no endpoint, no host list');
});

t.test('all conditions must hold', async (t) => {
  const f: DestinationFilter = { minSeverity: 'high', detectors: ['credential-stuffing'], hosts: ['api.example.com'] };
  t.ok(matchesFilter(f, makeAlert(1, 'critical')));
  t.notOk(matchesFilter(f, makeAlert(1, 'medium')));
  t.notOk(matchesFilter(f, makeAlert(1, 'critical', { type: 'bola' })));
});
