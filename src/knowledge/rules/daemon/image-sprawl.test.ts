import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './image-sprawl.ts';
import { isNotApplicable } from '../../../models/rule.ts';
import { systemFacts } from '../test-support/fixtures.ts';
import { issues } from './test-support/cases.ts';

const counts = { images: 40, unusedImages: 12, containers: 30, stoppedContainers: 12 };

test('without a limit in moat.yaml the count is reported for review (info), never a silent pass', () => {
  const out = issues(rule, systemFacts({ sprawl: counts }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'info');
  assert.match(out[0]!.message, /^12 of \d+ images /);
  assert.match(out[0]!.message, /sprawl\.maxUnusedImages/);
});

test('more than sprawl.maxUnusedImages fails, saying both numbers', () => {
  const out = issues(rule, systemFacts({ sprawl: counts, sprawlLimits: { maxUnusedImages: 11 } }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, undefined);
  assert.match(out[0]!.message, /12 of \d+ .*more than sprawl\.maxUnusedImages \(11\)/);
});

test('at or under sprawl.maxUnusedImages passes', () => {
  assert.deepEqual(issues(rule, systemFacts({ sprawl: counts, sprawlLimits: { maxUnusedImages: 12 } })), []);
  assert.deepEqual(issues(rule, systemFacts({ sprawl: { ...counts, unusedImages: 0 }, sprawlLimits: { maxUnusedImages: 0 } })), []);
});

test('counts that were not read make the rule not applicable, not a pass', () => {
  assert.ok(isNotApplicable(rule.check(systemFacts())));
});
