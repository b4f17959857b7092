import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './userland-proxy.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

test('unset (default true) fails at daemon.json', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith({ remove: 'userland-proxy' }) }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /default \(true\) applies/);
});

test('true on the command line fails there', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('userland-proxy', true, 'argv')) }));
  assert.deepEqual(out[0]?.at, { path: 'dockerd --userland-proxy' });
});

test('false passes', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
