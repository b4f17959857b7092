import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './root-user.ts';
import { containerFacts, imageSpec } from '../test-support/fixtures.ts';
import { issues, lintFacts, noUsernsDaemon } from '../test-support/container-cases.ts';

const plain = { daemon: noUsernsDaemon() };

test('flags root by every spelling, 0:0 included (docker-bench passes it)', () => {
  for (const user of ['0:0', 'root', '0', 'root:root', '0:1000']) {
    const out = issues(rule, containerFacts({ user, where: { user: { path: 'Config.User' } } }, plain));
    assert.equal(out.length, 1, user);
    assert.equal(out[0]?.severity, undefined, `${user}: rule severity (medium)`);
    assert.deepEqual(out[0]?.at, { path: 'Config.User' });
  }
});

test('an inspected container with no user runs as root (the image had no USER)', () => {
  assert.match(issues(rule, containerFacts({ user: undefined }, plain))[0]?.message ?? '', /neither by the image/);
});

test('under user-namespace remapping root is reported low', () => {
  assert.equal(issues(rule, containerFacts({ user: '0' }))[0]?.severity, 'low');
});

test('at the compose door the image decides: known image used, unknown image reported as such', () => {
  assert.deepEqual(issues(rule, { ...lintFacts({ user: undefined }), image: imageSpec({ user: 'app' }) }), []);
  assert.match(issues(rule, { ...lintFacts({ user: undefined }), image: imageSpec({ user: undefined }) })[0]?.message ?? '', /has no USER/);
  assert.match(issues(rule, lintFacts({ user: undefined }))[0]?.message ?? '', /image is not known/);
});

test('passes non-root users', () => {
  assert.deepEqual(issues(rule, containerFacts({}, plain)), []);
  assert.deepEqual(issues(rule, containerFacts({ user: 'app:app' }, plain)), []);
  assert.deepEqual(issues(rule, containerFacts({ user: '1000' }, plain)), []);
});
