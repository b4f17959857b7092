import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_KINDS, ALERT_SCHEMA_VERSION, makeAlert } from './alert.ts';
import { alertSchema as schema, validateAlert } from './test-support/alert-schema.ts';

test('the published schema matches the code: version and kinds', () => {
  assert.equal(schema.properties.schemaVersion.const, ALERT_SCHEMA_VERSION);
  assert.deepEqual(schema.properties.kind.enum, [...ALERT_KINDS]);
});

test('the schema rejects what is not an alert: a finding alert without its finding, unknown details, a bad mode', () => {
  const c = { id: 'abc', name: 'web' };
  const ok = makeAlert({ kind: 'drift', severity: 'high', message: 'm', container: c, details: { path: '/etc/x', change: 'added', reason: 'executable', mode: '0755' } });
  assert.ok(validateAlert(ok), JSON.stringify(validateAlert.errors));
  assert.ok(!validateAlert({ ...ok, details: { ...ok.details, mode: '755' } }));
  assert.ok(!validateAlert({ ...ok, details: { ...ok.details, extra: 1 } }));
  assert.ok(!validateAlert(makeAlert({ kind: 'finding', severity: 'high', message: 'm', container: c })));
  assert.ok(!validateAlert(makeAlert({ kind: 'exec', severity: 'high', message: 'm', details: { execId: '1', command: [] } })), 'an exec alert names its container');
  assert.ok(validateAlert(makeAlert({ kind: 'events-missed', severity: 'high', message: 'm', details: { reason: 'r' } })));
});
