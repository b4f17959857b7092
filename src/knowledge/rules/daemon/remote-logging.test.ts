import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './remote-logging.ts';
import { option } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith } from './test-support/cases.ts';

test('json-file (the default driver) fails at /info.LoggingDriver when nothing set it', () => {
  const out = issues(rule, factsWith({ info: { loggingDriver: 'json-file' }, optionList: optionsWith({ remove: 'log-driver' }) }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: '/info.LoggingDriver' });
  assert.match(out[0]?.message ?? '', /stay in files on this host/);
});

test('local fails too (docker-bench misses it), at the option that chose it; none discards logs', () => {
  const local = issues(rule, factsWith({ info: { loggingDriver: 'local' }, optionList: optionsWith(option('log-driver', 'local')) }));
  assert.equal(local[0]?.at?.path, 'log-driver');
  const none = issues(rule, factsWith({ info: { loggingDriver: 'none' } }));
  assert.match(none[0]?.message ?? '', /discarded/);
});

test('drivers that ship logs off the host pass', () => {
  for (const d of ['syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'grafana/loki-docker-driver:latest']) {
    assert.deepEqual(issues(rule, factsWith({ info: { loggingDriver: d } })), [], d);
  }
});
