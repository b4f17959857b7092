import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './chmod-world-writable.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags chmod 777 and o+w, also inside && chains', async () => {
  const issues = await issuesOf('FROM debian:12\nRUN mkdir /data && chmod -R 777 /data\nRUN chmod o+w /srv\n', rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [2, 3]);
});

test('passes restrictive modes', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nRUN chmod 755 /usr/local/bin/app && chmod u+x /x\n', rule), []);
});
