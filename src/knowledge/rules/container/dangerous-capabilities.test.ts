import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './dangerous-capabilities.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('rates each dangerous added capability by what it allows', () => {
  const out = issues(rule, containerFacts({ capAdd: ['SYS_ADMIN', 'SYS_PTRACE', 'NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE'] }));
  assert.deepEqual(out.map((i) => [i.evidence, i.severity]), [['CapAdd: SYS_ADMIN', 'critical'], ['CapAdd: SYS_PTRACE', 'high'], ['CapAdd: NET_ADMIN', 'medium'], ['CapAdd: NET_RAW', 'low']]);
});

test('an explicit add of a default capability after --cap-drop ALL counts (NET_RAW, SETPCAP)', () => {
  const out = issues(rule, containerFacts({ capDrop: ['ALL'], capAdd: ['NET_RAW', 'SETPCAP'] }));
  assert.equal(out.length, 2);
});

test('ALL is one critical finding, naming what is dropped', () => {
  const out = issues(rule, containerFacts({ capAdd: ['ALL', 'SYS_ADMIN'], capDrop: ['NET_RAW'] }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'critical');
  assert.match(out[0]?.message ?? '', /ALL \(less NET_RAW\)/);
});

test('passes harmless adds, no adds, and privileged containers (container-privileged reports them)', () => {
  assert.deepEqual(issues(rule, containerFacts({ capAdd: ['NET_BIND_SERVICE', 'CHOWN'] })), []);
  assert.deepEqual(issues(rule, containerFacts()), []);
  assert.deepEqual(issues(rule, containerFacts({ privileged: true, capAdd: ['SYS_ADMIN'] })), []);
});
