import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './secret-files.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues, reason } from '../test-support/container-cases.ts';
import { fileFacts } from './test-support/file-facts.fixture.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('one finding per secret, located by file and line, value masked; unread candidates are info', () => {
  const files = fileFacts({
    secrets: [{ path: 'root/.aws/credentials', line: 2, kind: 'aws-access-key-id', label: 'AWS access key id', masked: 'AKIA****(20 chars)', layer: { index: 1, diffId: 'sha256:y' } }],
    secretsNotChecked: [{ path: 'app/.env', reason: 'larger than 1048576 bytes (2000000)' }],
  });
  const out = issues(rule, { image: imageSpec({ files }), now });
  assert.equal(out.length, 2);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'high');
  assert.match(out[0]?.message ?? '', /\/root\/\.aws\/credentials:2 holds a secret \(AWS access key id\) \(layer 2\)/);
  assert.equal(out[0]?.evidence, '/root/.aws/credentials:2: AKIA****(20 chars)');
  assert.equal(out[1]?.severity, 'info');
  assert.match(out[1]?.message ?? '', /app\/\.env may hold credentials but was not checked: larger than/);
});

test('passes with no secret in files; does not apply where files were not read', () => {
  assert.deepEqual(issues(rule, { image: imageSpec({ files: fileFacts() }), now }), []);
  assert.match(reason(rule, { image: imageSpec(), now }), /files were not read/);
});
