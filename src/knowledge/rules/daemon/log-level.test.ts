import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './log-level.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

test('debug level fails at the option', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('log-level', 'debug')) }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.at?.path, 'log-level');
  assert.match(out[0]?.message ?? '', /"debug", not info: verbose/);
});

test('a level above info fails too: events are lost', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('log-level', 'error')) }));
  assert.match(out[0]?.message ?? '', /no longer records/);
});

test('debug mode (-D) forces the debug level even with log-level info', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('debug', true, 'argv')) }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'dockerd --debug' });
});

test('info (in any case) and unset pass', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('log-level', 'INFO')) })), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith({ remove: 'log-level' }) })), []);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
