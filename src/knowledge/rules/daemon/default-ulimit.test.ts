import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './default-ulimit.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

test('no default ulimits: one info issue asking to confirm the inherited limits', () => {
  const out = issues(rule, factsWith());
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /no default ulimits are set/);
  assert.deepEqual(out[0]?.at, { file: '/etc/docker/daemon.json' });
});

test('default ulimits set (daemon.json object or command-line words): one info issue listing them for review', () => {
  const json = issues(rule, factsWith({ optionList: optionsWith(option('default-ulimits', { nofile: { Name: 'nofile', Soft: 1024, Hard: 2048 } })) }));
  assert.equal(json.length, 1);
  assert.match(json[0]?.message ?? '', /default ulimits are nofile=1024:2048: confirm/);
  assert.equal(json[0]?.at?.path, 'default-ulimits');
  const argv = issues(rule, factsWith({ optionList: optionsWith(option('default-ulimits', ['nproc=512:1024'], 'argv')) }));
  assert.match(argv[0]?.message ?? '', /nproc=512:1024/);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
