import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './world-writable.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues, reason } from '../test-support/container-cases.ts';
import { fileFacts } from './test-support/file-facts.fixture.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('one finding listing the world-writable entries', () => {
  const files = fileFacts({ worldWritable: [{ path: 'usr/bin/tool', mode: 0o777, uid: 0, gid: 0 }, { path: 'etc/conf.d', mode: 0o777, uid: 0, gid: 0 }] });
  const out = issues(rule, { image: imageSpec({ files }), now });
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /2 world-writable entries in system paths: \/usr\/bin\/tool, \/etc\/conf\.d/);
  assert.match(out[0]?.evidence ?? '', /^\/usr\/bin\/tool 0777 0:0/);
});

test('passes with none; not applicable without the files', () => {
  assert.deepEqual(issues(rule, { image: imageSpec({ files: fileFacts() }), now }), []);
  assert.match(reason(rule, { image: imageSpec(), now }), /moat scan/);
});
