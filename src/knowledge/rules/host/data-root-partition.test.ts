import { REMOTE } from './support/file-rules.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './data-root-partition.ts';
import { parseMountinfo } from '../../../doors/host/mounts.ts';
import { daemonSpec, hostSpec, systemFacts } from '../test-support/fixtures.ts';
import { issuesOf, reasonOf } from './test-support/rule-cases.ts';

const ROOT = '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw';
const facts = (mountinfo: string[], dockerRootDir = '/var/lib/docker') =>
  systemFacts({ daemon: daemonSpec({ info: { dockerRootDir } }), host: hostSpec({ mounts: parseMountinfo(mountinfo.join('\n')) }) });

test('fails a data root on the root file system', () => {
  const out = issuesOf(rule.check(facts([ROOT, '30 27 0:40 / /boot rw - ext4 /dev/vda1 rw'])));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /\/var\/lib\/docker is on the root file system/);
  assert.deepEqual(out[0]!.at, { file: '/var/lib/docker' });
});

test('fails a bind mount of a root-disk directory on the data root (docker-bench passes it)', () => {
  const out = issuesOf(rule.check(facts([ROOT, '42 27 254:0 /srv/docker /var/lib/docker rw,relatime shared:2 - ext4 /dev/vda rw'])));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /is a mount of \/srv\/docker on the root file system \(device 254:0\)/);
});

test('fails a second mount of the whole root device', () => {
  const out = issuesOf(rule.check(facts([ROOT, '42 27 254:0 / /var/lib rw - ext4 /dev/vda rw'])));
  assert.match(out[0]!.message, /under \/var\/lib, a mount of the root file system/);
});

test('passes a data root on its own partition', () => {
  assert.deepEqual(rule.check(facts([ROOT, '42 27 253:1 / /var/lib/docker rw,relatime - xfs /dev/mapper/vg0-docker rw'])), []);
});

test('passes a data root below a separate /var', () => {
  assert.deepEqual(rule.check(facts([ROOT, '40 27 253:2 / /var rw - ext4 /dev/mapper/vg0-var rw'])), []);
});

test('passes a bind mount from another disk: the data cannot fill the root disk', () => {
  assert.deepEqual(rule.check(facts([ROOT, '40 27 8:17 / /data rw - ext4 /dev/sdb1 rw', '42 27 8:17 /docker /var/lib/docker rw - ext4 /dev/sdb1 rw'])), []);
});

test('a mount point that only shares a prefix of the name does not hold the data root', () => {
  const out = issuesOf(rule.check(facts([ROOT, '42 27 253:1 / /var/lib/dock rw - xfs /dev/mapper/vg0-x rw'])));
  assert.match(out[0]!.message, /on the root file system/);
});

test('of two mounts on the same point, the later one is in effect', () => {
  const stacked = [ROOT, '42 27 253:1 / /var/lib/docker rw - xfs /dev/mapper/vg0-docker rw', '43 42 254:0 /var/lib/docker /var/lib/docker rw - ext4 /dev/vda rw'];
  assert.equal(issuesOf(rule.check(facts(stacked))).length, 1);
});

test('follows a remapped data root below its mount', () => {
  assert.deepEqual(rule.check(facts([ROOT, '42 27 253:1 / /var/lib/docker rw - xfs /dev/mapper/vg0-docker rw'], '/var/lib/docker/165536.165536')), []);
});

test('an unreadable mount table is an error, not a pass', () => {
  assert.throws(() => rule.check(facts([])), /mount table/);
});

test('does not apply when the daemon is remote', () => {
  assert.equal(reasonOf(rule.check(systemFacts({ host: undefined }))), REMOTE);
});
