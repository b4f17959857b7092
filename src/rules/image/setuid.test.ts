import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './setuid.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('says the check was not made (info), never a silent pass', () => {
  const out = issues(rule, { image: imageSpec(), now: new Date() });
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /not checked/);
});
