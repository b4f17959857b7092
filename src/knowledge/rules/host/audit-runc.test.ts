import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './audit-runc.ts';
import { auditCases, factsWith } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

auditCases(rule, '/usr/bin/runc');

test('finds runc in /usr/sbin (Debian)', () => {
  const facts = factsWith([{ path: '/usr/bin/runc', exists: false }, fileFact('/usr/sbin/runc')], { host: { audit: { sources: [], watchedPaths: new Set(['/usr/sbin/runc']), available: true } } });
  assert.deepEqual(rule.check(facts), []);
});
