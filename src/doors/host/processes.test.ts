import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupDirs, readContainerProcesses } from './processes.ts';
import { EngineClient } from '../engine/client.ts';
import { processesFromTop } from '../engine/image.ts';
import { TopSchema, parseEngine } from '../engine/inspect-schema.ts';
import { TestContainers, docker, ensureTestImages, HARDENED_FLAGS } from '../../../test/support/engine.ts';

const containers = new TestContainers('procs');
after(() => containers.cleanup());

test("lists the same processes as the engine's top for a running container, execs included", async () => {
  await ensureTestImages();
  const name = await containers.make('top', [...HARDENED_FLAGS, '--entrypoint', '/usr/sbin/sshd']);
  await docker('exec', '-d', '--user', '0', name, '/sleeper');
  const [id, pid] = (await docker('inspect', '-f', '{{.Id}} {{.State.Pid}}', name)).split(' ');
  const client = await EngineClient.connect();
  try {
    const top = processesFromTop(parseEngine(TopSchema, await client.getJson(`/containers/${name}/top`), 'top'));
    const fromProc = await readContainerProcesses('/', id ?? '', Number(pid));
    assert.ok(fromProc, 'read from /proc');
    const key = (p: { pid: string; command: string }): string => `${p.pid} ${p.command}`;
    assert.deepEqual(fromProc.map(key).sort(), top.map(key).sort());
    assert.deepEqual(fromProc.map((p) => p.user).sort(), ['0', '10001']);
  } finally {
    client.close();
  }
});

test('gives up (undefined, so the engine is asked) when the PID is not the container named', async () => {
  assert.equal(await readContainerProcesses('/', 'a'.repeat(64), process.pid), undefined);
  assert.equal(await readContainerProcesses('/', 'a'.repeat(64), 0), undefined);
  assert.equal(await readContainerProcesses('/nonexistent-root', 'a'.repeat(64), 1), undefined);
});

test('finds the cgroup directory on v1, v2 and hybrid hosts', () => {
  assert.deepEqual(cgroupDirs('8:pids:/docker/abc\n4:memory:/docker/abc\n0::/docker/abc\n'), ['/sys/fs/cgroup/pids/docker/abc', '/sys/fs/cgroup/memory/docker/abc', '/sys/fs/cgroup/docker/abc', '/sys/fs/cgroup/unified/docker/abc']);
  assert.deepEqual(cgroupDirs('0::/system.slice/docker-abc.scope\n'), ['/sys/fs/cgroup/system.slice/docker-abc.scope', '/sys/fs/cgroup/unified/system.slice/docker-abc.scope']);
});
