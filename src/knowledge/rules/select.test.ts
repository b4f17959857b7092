import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectRules } from './select.ts';
import { allRules } from './index.ts';

const ids = (rs: ReturnType<typeof selectRules>): string[] => rs.map((r) => r.meta.id);

test('selects by rule id, CIS id and section at a dot boundary', () => {
  assert.deepEqual(ids(selectRules(allRules, { checks: ['container-privileged'] })), ['container-privileged']);
  assert.deepEqual(ids(selectRules(allRules, { checks: ['5.5'] })), ['container-privileged']);
  const s11 = selectRules(allRules, { checks: ['1.1'] });
  assert.ok(s11.length > 0 && s11.every((r) => r.meta.cis?.id.startsWith('1.1.')));
  const s2 = selectRules(allRules, { checks: ['2.1'] });
  assert.ok(s2.every((r) => r.meta.cis?.id === '2.1'), 'section 2.1 must not take in 2.10-2.18');
});

test('--skip removes, and an unknown token is a usage error', () => {
  const all = selectRules(allRules, {});
  assert.equal(all.length, allRules.length);
  assert.ok(!ids(selectRules(allRules, { skip: ['3'] })).some((id) => id.includes('owner')));
  assert.throws(() => selectRules(allRules, { checks: ['5.99'] }), /unknown check "5\.99" in --checks/);
});
