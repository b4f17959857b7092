import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRules } from '../../knowledge/rules/index.ts';
import { MoatError } from '../../util/errors.ts';
import { parseConfig } from './load.ts';

const FILE = '/repo/moat.yaml';
const parse = (text: string) => parseConfig(text, FILE, allRules);

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof MoatError && e.kind === 'config', String(e));
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  assert.fail('expected a config error');
}

test('without an enforce section, high and critical findings deny and unjudged requests are denied', () => {
  const c = parse('version: 1\n');
  assert.equal(c.enforce.deny.minSeverity, 'high');
  assert.equal(c.enforce.deny.ids.size, 0);
  assert.equal(c.enforce.unjudged, 'deny');
  assert.equal(c.enforce.at, undefined);
});

test('deny and log take rule ids, CIS ids, sections and a severity threshold; exceptions are located', () => {
  const c = parse(`enforce:
  deny: [container-privileged, "5.32", "severity >= critical"]
  log: ["5.10"]
  unjudged: allow
  exceptions:
    - image: "portainer/*"
      rules: [container-docker-socket]
      reason: portainer manages the engine
      expires: 2027-01-31
    - user: ops-*
      label: moat.allow
      reason: operators
`);
  assert.deepEqual([...c.enforce.deny.ids].sort(), ['container-docker-socket', 'container-privileged']);
  assert.equal(c.enforce.deny.minSeverity, 'critical');
  assert.deepEqual([...c.enforce.log.ids], ['container-host-network']);
  assert.equal(c.enforce.unjudged, 'allow');
  assert.deepEqual(c.enforce.exceptions[0], { rules: ['container-docker-socket'], image: 'portainer/*', reason: 'portainer manages the engine', expires: '2027-01-31', at: { file: FILE, line: 6, column: 7 } });
  assert.deepEqual(c.enforce.exceptions[1]?.rules, []);
  assert.equal(c.enforce.exceptions[1]?.label, 'moat.allow');
  assert.deepEqual(c.enforce.at, { file: FILE, line: 2, column: 3 });
  // A CIS section covers every rule under it.
  assert.ok(parse('enforce:\n  deny: ["5"]\n').enforce.deny.ids.has('container-memory-limit'));
});

test('mistakes are located one-line errors', () => {
  assert.match(errorOf('enforce:\n  deny: [container-privilegd]\n'), /^\/repo\/moat\.yaml:2:10: unknown rule "container-privilegd" in enforce\.deny \(did you mean "container-privileged"\?\)/);
  assert.match(errorOf('enforce:\n  log: ["severity >= low"]\n'), /moat\.yaml:2:9: enforce\.log takes rule ids and CIS ids/);
  assert.match(errorOf('enforce:\n  deny: [container-privileged]\n  log: ["5.5"]\n'), /moat\.yaml:3:9: container-privileged is both in enforce\.deny and enforce\.log/);
  assert.match(errorOf('enforce:\n  exceptions:\n    - reason: why\n'), /moat\.yaml:3:7: an exception must name an image, a label or a user/);
  assert.match(errorOf('enforce:\n  exceptions:\n    - image: x\n'), /moat\.yaml:3:7: enforce\.exceptions\.0\.reason/);
  assert.match(errorOf('enforce:\n  exceptions:\n    - image: x\n      reason: r\n      imgae: y\n'), /moat\.yaml:5:7: unknown key "imgae" \(did you mean "image"\?\)/);
  assert.match(errorOf('enforce:\n  denny: []\n'), /moat\.yaml:2:3: unknown key "denny" \(did you mean "deny"\?\)/);
  assert.match(errorOf('enforce:\n  unjudged: maybe\n'), /enforce\.unjudged must be deny or allow/);
  assert.match(errorOf('enforce:\n  exceptions:\n    - label: "=x"\n      reason: r\n'), /label "=x" must be KEY or KEY=VALUE/);
  assert.match(errorOf('enforce:\n  exceptions:\n    - image: x\n      reason: r\n      expires: 2027-02-30\n'), /expires is not a calendar date/);
});

test('enforce.allow lists host objects this host allows; bad entries and unknown keys are located', () => {
  const c = parse(`enforce:
  allow:
    volume-types: [nfs]
    volume-devices: [/dev/vdb1]
    devices: [/dev/ttyUSB0]
    device-cgroup-rules: ["c 188:* rwm"]
    systempaths: allow
`);
  assert.deepEqual(c.enforce.allow, { volumeTypes: ['nfs'], volumeDevices: ['/dev/vdb1'], devices: ['/dev/ttyUSB0'], deviceCgroupRules: ['c 188:* rwm'], systemPaths: true });
  assert.deepEqual(parse('version: 1\n').enforce.allow, { volumeTypes: [], volumeDevices: [], devices: [], deviceCgroupRules: [], systemPaths: false });
  assert.match(errorOf('enforce:\n  allow:\n    devices: [ttyUSB0]\n'), /moat\.yaml:3:\d+: .*absolute path/);
  assert.match(errorOf('enforce:\n  allow:\n    device-cgroup-rules: ["c 188 rwm"]\n'), /moat\.yaml:3:\d+: .*TYPE MAJOR:MINOR ACCESS/);
  assert.match(errorOf('enforce:\n  allow:\n    volume-type: [nfs]\n'), /moat\.yaml:3:\d+: .*volume-types/);
});
