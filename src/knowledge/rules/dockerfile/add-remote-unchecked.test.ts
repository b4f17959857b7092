import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './add-remote-unchecked.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags ADD of a URL without --checksum, at the URL', async () => {
  const issues = await issuesOf('FROM debian:12\nADD https://example.com/tool.tgz /opt/\n', rule);
  assert.equal(issues.length, 1);
  assert.deepEqual([issues[0]?.at?.line, issues[0]?.at?.column], [2, 5]);
});

test('passes ADD --checksum and local files', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tgz /opt/\nADD app.tar /opt/\n', rule), []);
});
