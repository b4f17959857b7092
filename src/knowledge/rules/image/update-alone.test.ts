import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule, { isIndexUpdate, isInstall } from './update-alone.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues, reason } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');
const withHistory = (...createdBy: string[]): ReturnType<typeof imageSpec> => imageSpec({ history: createdBy.map((c) => ({ createdBy: c, size: 0 })) });

test('flags a step that refreshes the index without installing, in each package manager', () => {
  const out = issues(rule, { image: withHistory('/bin/sh -c apt-get install -y curl', '/bin/sh -c apt-get update', 'RUN /bin/sh -c apk update # buildkit'), now });
  assert.equal(out.length, 2);
  assert.match(out[0]?.message ?? '', /step 2 refreshes/);
  assert.deepEqual(out[0]?.at, { path: 'GET /images/{id}/history[1].CreatedBy' });
  for (const c of [['yum', 'makecache'], ['dnf', '-q', 'check-update'], ['zypper', 'refresh'], ['pacman', '-Sy']]) assert.ok(isIndexUpdate(c), c.join(' '));
});

test('passes update and install in one step, and text that only mentions update', () => {
  const out = issues(rule, { image: withHistory('/bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl', '/bin/sh -c apk add --update curl', '/bin/sh -c echo "run apt-get update first"', '/bin/sh -c #(nop)  LABEL note=update'), now });
  assert.deepEqual(out, []);
  assert.ok(isInstall(['/usr/bin/apt-get', '-y', 'upgrade']));
  assert.ok(!isInstall(['pacman', '-Sy']));
});

test('not applicable without the history', () => {
  assert.match(reason(rule, { image: imageSpec(), now }), /history/);
});
