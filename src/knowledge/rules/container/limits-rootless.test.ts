/**
 * The limit rules (5.11 memory, 5.12 CPU, 5.29 PIDs) and cgroup-parent rules (2.11, 5.25) on a
 * daemon that cannot enforce limits: /info MemoryLimit, PidsLimit, CPUShares, CpuCfsQuota as a
 * rootless daemon on cgroup v1 reports them (src/sources/daemon/test-support/rootless-info.json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSpec } from '../../../models/daemon-spec.ts';
import memory from './memory-limit.ts';
import pids from './pids-limit.ts';
import cpu from './cpu-shares.ts';
import cgroupParent from './cgroup-parent.ts';
import hostUserns from './host-userns.ts';
import sshd from './sshd.ts';
import daemonCgroupParent from '../daemon/cgroup-parent.ts';
import daemonUserns from '../daemon/userns.ts';
import { containerFacts, daemonSpec, systemFacts } from '../test-support/fixtures.ts';
import { issues, reason } from '../test-support/container-cases.ts';

const NONE = { memory: false, pids: false, cpuShares: false, cpuQuota: false };

function rootless(over: Partial<DaemonSpec['info']> = {}): DaemonSpec {
  const d = daemonSpec();
  return { ...d, info: { ...d.info, cgroupDriver: 'none', cgroupVersion: '1', limits: NONE, securityOptions: [{ name: 'rootless', details: {} }], ...over }, rootless: { uid: 1000, user: 'u', gid: 1000, subgids: [] } };
}

test('a set limit the daemon cannot enforce is a finding that says why and what to do', () => {
  const m = issues(memory, containerFacts({}, { daemon: rootless() }));
  assert.equal(m.length, 1);
  assert.match(m[0]!.message, /^its memory limit \(268435456 bytes\) is not enforced: this rootless daemon runs without cgroups \(cgroup v1 host, CgroupDriver none\).*cgroup v2.*Delegate=/);
  assert.match(m[0]!.evidence ?? '', /\/info MemoryLimit: false/);
  assert.match(issues(pids, containerFacts({}, { daemon: rootless() }))[0]!.message, /^its PIDs limit \(100\) is not enforced/);
  assert.match(issues(cpu, containerFacts({}, { daemon: rootless() }))[0]!.message, /^its CPU shares or limit are not enforced/);
});

test('no limit on such a daemon: the finding says setting one would not help yet', () => {
  const m = issues(memory, containerFacts({ resources: { memory: 0 } }, { daemon: rootless() }));
  assert.match(m[0]!.message, /^no memory limit, and the daemon could not enforce one/);
});

test('rootless on cgroup v2 without the controller delegated: the fix is delegation', () => {
  const d = rootless({ cgroupVersion: '2', cgroupDriver: 'systemd', limits: { ...NONE, cpuShares: true } });
  assert.match(issues(memory, containerFacts({}, { daemon: d }))[0]!.message, /memory cgroup controller is not delegated to the rootless daemon's user/);
  // CPU shares are enforced there, so a container that sets them passes.
  assert.deepEqual(cpu.check(containerFacts({}, { daemon: d })), []);
});

test('a daemon that enforces limits, or does not say, judges the limits as before', () => {
  assert.deepEqual(memory.check(containerFacts({}, { daemon: rootless({ limits: { memory: true, pids: true, cpuShares: true, cpuQuota: true } }) })), []);
  assert.deepEqual(memory.check(containerFacts()), []);
});

test('cgroup parents are moot without cgroups', () => {
  assert.match(reason(cgroupParent, containerFacts({ cgroupParent: '/custom' }, { daemon: rootless() })), /runs without cgroups/);
  const out = daemonCgroupParent.check(systemFacts({ daemon: rootless() }));
  assert.ok(!Array.isArray(out));
  assert.match((out as { notApplicable: string }).notApplicable, /runs without cgroups/);
});

test("userns: remapping and --userns=host are moot under a rootless daemon, and still judged under a root one", () => {
  const out = daemonUserns.check(systemFacts({ daemon: rootless() }));
  assert.ok(!Array.isArray(out));
  assert.match((out as { notApplicable: string }).notApplicable, /^not applicable \(rootless daemon\): dockerd and its containers run in u's user namespace/);
  assert.match(reason(hostUserns, containerFacts({ namespaces: { userns: 'host' } }, { daemon: rootless() })), /rootless daemon/);
  assert.equal(issues(hostUserns, containerFacts({ namespaces: { userns: 'host' } })).length, 1);
});

test('sshd: processes that could not be listed on a daemon without cgroups are an error, not a pass', () => {
  assert.throws(() => sshd.check(containerFacts({}, { daemon: rootless(), processes: undefined })), /daemon runs without cgroups/);
});
