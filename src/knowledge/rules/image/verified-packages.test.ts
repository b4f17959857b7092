import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './verified-packages.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('one info per image asking to confirm package sources', () => {
  const out = issues(rule, { image: imageSpec(), now: new Date() });
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /registry\.example\/app:1\.2\.3: confirm every package/);
});
