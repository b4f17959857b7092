import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './scan-rebuild.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');

test("reports the image's age from Created, against the audit time", () => {
  const out = issues(rule, { image: imageSpec({ created: '2026-08-24T10:00:00Z' }), now });
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /built 2026-08-24, 89 days ago/);
});

test('says so when no build date is recorded (or the zero time)', () => {
  assert.match(issues(rule, { image: imageSpec({ created: '1970-01-01T00:00:00Z' }), now })[0]?.message ?? '', /not recorded/);
  assert.match(issues(rule, { image: imageSpec({ created: undefined }), now })[0]?.message ?? '', /not recorded/);
});

test('with images.maxAgeDays: older is a medium finding, younger passes', () => {
  const settings = { maxAgeDays: 30, trustedRegistries: [], trustedBaseImages: [] };
  const old = issues(rule, { image: imageSpec({ created: '2026-08-24T10:00:00Z' }), now, settings });
  assert.equal(old.length, 1);
  assert.equal(old[0]?.severity, 'medium');
  assert.match(old[0]?.message ?? '', /89 days ago, older than 30 days \(images\.maxAgeDays\)/);
  assert.deepEqual(issues(rule, { image: imageSpec({ created: '2026-11-01T00:00:00Z' }), now, settings }), []);
});
