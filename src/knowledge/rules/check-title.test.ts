import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRules, ruleById } from './index.ts';
import { checkResult } from '../../report/summary.ts';

test('every rule names its check apart from the problem its findings report', () => {
  const same = allRules.filter((r) => !r.meta.check.trim() || r.meta.check === r.meta.title).map((r) => r.meta.id);
  assert.deepEqual(same, [], 'rules whose check name is empty or repeats the problem title');
  // A passing row must not read as a failure: none says "is not owned by" or "more permissive than".
  const problems = allRules.filter((r) => /is not owned by|more permissive than|^No audit rule watches/.test(r.meta.check)).map((r) => r.meta.id);
  assert.deepEqual(problems, []);
});

test('file rules derive a neutral check from their title: owner, mode, audit watch', () => {
  assert.equal(ruleById('host-docker-service-owner')?.meta.check, 'docker.service owned by root:root');
  assert.equal(ruleById('host-docker-service-mode')?.meta.check, 'docker.service mode 0644 or stricter');
  assert.equal(ruleById('host-docker-sock-owner')?.meta.check, 'Docker socket owned by root:docker');
  assert.equal(ruleById('host-audit-dockerd')?.meta.check, 'Audit rule watches the dockerd binary');
  assert.equal(ruleById('container-host-pid')?.meta.check, 'Host process namespace not shared');
});

test("a check's result carries the check's name, its findings the problem", () => {
  const meta = ruleById('host-docker-service-owner')!.meta;
  assert.equal(checkResult(meta, [{ status: 'pass', findings: [] }], []).title, 'docker.service owned by root:root');
  assert.equal(meta.title, 'docker.service is not owned by root:root');
});
