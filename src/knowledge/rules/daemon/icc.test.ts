import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './icc.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

test('icc=true on the command line fails at that argument', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('icc', true, 'argv')) }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'dockerd --icc' });
  assert.match(out[0]?.message ?? '', /icc is true/);
  assert.match(out[0]?.evidence ?? '', /dockerd command line/);
});

test('icc unset fails at daemon.json, saying the default applies and what was read', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith({ remove: 'icc' }) }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { file: '/etc/docker/daemon.json' });
  assert.match(out[0]?.message ?? '', /not set \(\/etc\/docker\/daemon.json does not set icc; the dockerd command line does not set it either\), so the default applies/);
});

test('icc unset where the command line was not visible says so', () => {
  const out = issues(rule, factsWith({ optionList: [], process: undefined }));
  assert.match(out[0]?.message ?? '', /the dockerd command line was not visible/);
});

test('icc=false passes', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
