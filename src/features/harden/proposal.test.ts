import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankSpec } from '../../doors/common/spec.ts';
import { CopyProcesses } from './copy-processes.ts';
import type { RunResult } from './copy-run.ts';
import { difference } from './harden.ts';
import { propose, relaxations, settingsFor, type Observation } from './proposal.ts';
import { buildProfile } from './seccomp-profile.ts';
import type { HardenTarget } from './target.ts';

const run = (over: Partial<RunResult> = {}): RunResult => ({ id: 'c', ending: { kind: 'exited', exitCode: 0, afterMs: 1500, oomKilled: false }, peaks: { memory: 4 << 20, pids: 2, samples: 3 }, changes: [], processes: new CopyProcesses('c'), ports: {}, ...over });
const target = (user?: string): HardenTarget => ({ label: 'web', service: 'web', spec: { ...blankSpec('inspect', 'id', 'web'), user }, create: { Image: 'sha256:x', HostConfig: {} }, extraNetworks: [], notes: [] });
const obs = (over: Partial<Observation>): Observation => ({
  workloadSyscalls: new Set(['write']),
  run: run({ passwd: 'root:x:0:0::/:/bin/sh\nweb:x:1000:1000::/:/sbin/nologin\n' }),
  peaks: { memory: 4 << 20, pids: 2, samples: 3 },
  uids: new Set([0]),
  gids: new Set([0]),
  comms: new Set(['web']),
  sockets: { bound: new Set(), raw: false, packet: false, audit: false },
  changes: [{ path: '/tmp', kind: 0 }, { path: '/tmp/x', kind: 1 }],
  unprivilegedPorts: true,
  ...over,
});
const seccomp = (caps: string[]) => buildProfile({ names: new Set(['write']), archs: new Set(['x86_64']), caps, underDefaultProfile: true });

test('a root workload that never switches users gets a non-root user, no capabilities, and tmpfs it owns', () => {
  const p = propose(target(), obs({ workloadSyscalls: new Set(['write', 'chown']) }), seccomp);
  assert.deepEqual(p.user, { value: '1000:1000', because: 'account "web" in the image\'s /etc/passwd, named like its process', changed: true, ids: { uid: 1000, gid: 1000 } });
  assert.deepEqual(p.capabilities.add, []);
  assert.deepEqual(p.capabilities.ifRoot.map((c) => c.cap), ['CHOWN']);
  assert.match(p.capabilities.note ?? '', /as uid 1000 the workload has no capabilities in effect \(CHOWN would need root\)/);
  assert.deepEqual(settingsFor(p, new Set()), { capDrop: ['ALL'], capAdd: [], user: '1000:1000', readOnly: true, tmpfs: ['/tmp:uid=1000,gid=1000'], noNewPrivileges: true, memory: p.limits.memory, pids: p.limits.pids });
  // Giving up the user change: root again, with the capabilities root needs, and root's tmpfs.
  assert.deepEqual(settingsFor(p, new Set(['user'])), { capDrop: ['ALL'], capAdd: ['CHOWN'], readOnly: true, tmpfs: ['/tmp'], noNewPrivileges: true, memory: p.limits.memory, pids: p.limits.pids });
  assert.deepEqual(relaxations(p).map((r) => r.id), ['user', 'capabilities', 'read-only', 'no-new-privileges', 'limits']);
  assert.deepEqual(settingsFor(p, new Set(['user', 'capabilities', 'read-only', 'no-new-privileges', 'limits'])), {});
});

test('a non-root workload keeps its user and needs no capabilities; a root one that switches keeps root', () => {
  const nonRoot = propose(target('1000'), obs({ uids: new Set([1000]), gids: new Set([1000]), workloadSyscalls: new Set(['chown']) }), seccomp);
  assert.equal(nonRoot.user.changed, false);
  assert.deepEqual(nonRoot.capabilities.add, []);
  assert.match(nonRoot.capabilities.note ?? '', /runs as uid 1000, where capabilities are not in effect/);
  assert.deepEqual(settingsFor(nonRoot, new Set()).tmpfs, ['/tmp:uid=1000,gid=1000']);
  const switching = propose(target(), obs({ uids: new Set([0, 33]), workloadSyscalls: new Set(['setuid', 'setgid']) }), seccomp);
  assert.equal(switching.user.changed, false);
  assert.deepEqual(switching.capabilities.add.map((c) => c.cap), ['SETGID', 'SETUID']);
  assert.equal(relaxations(switching)[0]?.id, 'capabilities', 'no user change to give up');
});

test('writing at / keeps the root filesystem writable and says why', () => {
  const p = propose(target(), obs({ changes: [{ path: '/app.pid', kind: 1 }] }), seccomp);
  assert.equal(p.readOnly.enabled, false);
  assert.match(p.readOnly.because, /top of the filesystem \(\/app\.pid\)/);
  assert.equal(settingsFor(p, new Set()).readOnly, undefined);
});

test('behaving the same: exit code, still running, health, the exercise', () => {
  const exited = run();
  assert.equal(difference(exited, run()), undefined);
  assert.match(difference(exited, run({ ending: { kind: 'exited', exitCode: 10, afterMs: 5, oomKilled: false } })) ?? '', /exited with code 10, the recorded copy with 0/);
  assert.match(difference(exited, run({ ending: { kind: 'exited', exitCode: 137, afterMs: 5, oomKilled: true } })) ?? '', /exceeding the memory limit/);
  assert.match(difference(exited, run({ ending: { kind: 'start-failed', message: 'operation not permitted' } })) ?? '', /did not start: operation not permitted/);
  const running = run({ ending: { kind: 'running', health: 'healthy' } });
  assert.match(difference(running, run()) ?? '', /exited with code 0 after 1\.5 s; the recorded copy kept running/);
  assert.match(difference(running, run({ ending: { kind: 'running', health: 'unhealthy' } })) ?? '', /health check reported unhealthy/);
  const exercised = run({ exercise: { exitCode: 0, killed: false } });
  assert.match(difference(exercised, run({ exercise: { exitCode: 7, killed: false } })) ?? '', /exercise exited with code 7/);
  assert.match(difference(exercised, run({ exercise: { exitCode: null, killed: true } })) ?? '', /did not finish in time/);
});
