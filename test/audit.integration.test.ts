/**
 * `audit()` against the real engine: containers started with one insecure setting each
 * get exactly the container findings that setting causes; the hardened container gets none.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../src/audit/audit.ts';
import { allRules } from '../src/rules/index.ts';
import type { Report } from '../src/report/model.ts';
import { TestContainers, ensureTestImages, HARDENED_FLAGS, IMAGES } from './support/engine.ts';

const containers = new TestContainers('audit');

interface Case {
  name: string;
  flags: string[];
  image?: string;
  cmd?: string[];
  /** `docker create` only: the setting cannot be started on this VM (privileged) or must not bind. */
  createOnly?: boolean;
  expect: string[];
}

// Cases for the other container rules join as those rules land (see issue 2's note).
const CASES: Case[] = [
  { name: 'hardened', flags: HARDENED_FLAGS, expect: [] },
  { name: 'plainimage', flags: HARDENED_FLAGS, image: IMAGES.plain, expect: [] },
  { name: 'hostpid', flags: [...HARDENED_FLAGS, '--pid', 'host'], expect: ['container-host-pid'] },
  { name: 'hostipc', flags: [...HARDENED_FLAGS, '--ipc', 'host'], expect: ['container-host-ipc'] },
  { name: 'hostuts', flags: [...HARDENED_FLAGS, '--uts', 'host'], expect: ['container-host-uts'] },
  { name: 'hostnet', flags: HARDENED_FLAGS.map((f) => (f === 'none' ? 'host' : f)), expect: ['container-host-network'] },
  { name: 'userns', flags: [...HARDENED_FLAGS, '--userns', 'host'], createOnly: true, expect: ['container-host-userns'] },
  { name: 'seccomp', flags: [...HARDENED_FLAGS, '--security-opt', 'seccomp=unconfined'], expect: ['container-seccomp-unconfined'] },
  { name: 'sock', flags: [...HARDENED_FLAGS, '-v', '/var/run/docker.sock:/var/run/docker.sock'], expect: ['container-docker-socket'] },
  { name: 'nolimits', flags: ['--user', '10001:10001', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--cpu-shares', '512', '--network', 'none'], expect: ['container-memory-limit', 'container-pids-limit', 'container-rootfs-writable'] },
  { name: 'privileged', flags: [...HARDENED_FLAGS, '--privileged'], createOnly: true, expect: ['container-privileged'] },
];

const names = new Map<string, string>();
let report: Report;

before(async () => {
  await ensureTestImages();
  for (const c of CASES) names.set(c.name, await containers.make(c.name, c.flags, { image: c.image, start: !c.createOnly, cmd: c.cmd }));
  report = await audit({ all: true, containers: [...names.values()], rules: allRules.filter((r) => r.meta.target === 'container') });
});
after(() => containers.cleanup());

for (const c of CASES) {
  test(`${c.name}: ${c.expect.length ? c.expect.join(', ') : 'no container findings'}`, () => {
    const name = names.get(c.name);
    const got = [...new Set(report.findings.filter((f) => f.subject.name === name && f.severity !== 'info').map((f) => f.ruleId))].sort();
    assert.deepEqual(got, [...c.expect].sort());
  });
}

test('every container is audited and every finding points at an inspect path', () => {
  assert.equal(report.target.containers, CASES.length);
  for (const f of report.findings) if (f.severity !== 'info') assert.ok(f.location?.path, `${f.ruleId} on ${f.subject.name}: no location`);
});
