import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './no-new-privileges.ts';
import { containerFacts, daemonSpec, defaultOptions } from '../test-support/fixtures.ts';
import { issues, lintFacts } from '../test-support/container-cases.ts';

const off = { security: { noNewPrivileges: false, raw: [] } };
const daemonWithout = (): ReturnType<typeof daemonSpec> => daemonSpec({ optionList: defaultOptions().filter((o) => o.key !== 'no-new-privileges') });

test('flags a container without no-new-privileges on a daemon that does not set it', () => {
  const out = issues(rule, containerFacts(off, { daemon: daemonWithout() }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /the daemon does not set it either/);
});

test("the daemon-wide setting counts, unless the container turns it off explicitly", () => {
  assert.deepEqual(issues(rule, containerFacts(off)), []);
  const out = issues(rule, containerFacts({ security: { noNewPrivileges: false, raw: ['no-new-privileges=false'] } }));
  assert.match(out[0]?.message ?? '', /explicitly/);
});

test('passes --security-opt no-new-privileges', () => {
  assert.deepEqual(issues(rule, containerFacts({}, { daemon: daemonWithout() })), []);
});

test('at the lint doors it says the daemon is not known', () => {
  assert.match(issues(rule, lintFacts(off))[0]?.message ?? '', /daemon is not known here/);
});
