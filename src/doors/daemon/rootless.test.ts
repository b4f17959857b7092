import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEngine } from '../engine/inspect-schema.ts';
import { InfoSchema, infoFromApi } from './engine.ts';
import { isRootlessProcess, parseEnviron } from './process.ts';
import { isRootless, parseSubIds, readRootless } from './rootless.ts';

/** `GET /info` of a real rootless dockerd (20.10.24, dockerd-rootless.sh on this project's cgroup v1 test machine). */
const RECORDED = JSON.parse(readFileSync(join(import.meta.dirname, 'test-support/rootless-info.json'), 'utf8')) as unknown;

test('a recorded rootless /info: rootless among the security options, and no limit it can enforce', () => {
  const info = infoFromApi(parseEngine(InfoSchema, RECORDED, 'GET /info'));
  assert.equal(isRootless(info), true);
  assert.equal(info.cgroupDriver, 'none');
  assert.deepEqual(info.limits, { memory: false, pids: false, cpuShares: false, cpuQuota: false });
  assert.equal(isRootless({ securityOptions: [{ name: 'seccomp', details: { profile: 'default' } }] }), false);
});

test('an engine that does not report all four limit flags says nothing about limits', () => {
  const info = infoFromApi(parseEngine(InfoSchema, { MemoryLimit: false, PidsLimit: true }, 'GET /info'));
  assert.equal(info.limits, undefined);
});

test('subordinate ids: the ranges given to the user, by name or by uid, and nothing malformed', () => {
  const text = 'alice:100000:65536\nmoat:200000:65536\n999:300000:10\nmoat:x:1\nmoat:400000\n';
  assert.deepEqual(parseSubIds(text, 'moat', 999), [
    { start: 200000, count: 65536 },
    { start: 300000, count: 10 },
  ]);
  assert.deepEqual(parseSubIds(text, 'bob', 1000), []);
});

test("environ: only the variables a rootless dockerd's defaults come from; RootlessKit's marker makes it rootless", () => {
  const env = parseEnviron('HOME=/home/u\0PATH=/bin\0XDG_RUNTIME_DIR=/run/user/1000\0ROOTLESSKIT_STATE_DIR=/tmp/rk\0SECRET=x\0');
  assert.deepEqual(env, { HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000', ROOTLESSKIT_STATE_DIR: '/tmp/rk' });
  assert.equal(isRootlessProcess({ pid: 1, argv: ['dockerd'], env }), true);
  assert.equal(isRootlessProcess({ pid: 1, argv: ['dockerd'], env: { HOME: '/root' } }), false);
});

test('without its process: the user is the data root owner, home from /etc/passwd, the runtime dir from the socket Moat used', async () => {
  const root = await mkdtemp(join(tmpdir(), 'moat-rootless-door-'));
  try {
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nrl:x:4242:4343::/home/rl:/bin/sh\n');
    await writeFile(join(root, 'etc/subgid'), 'rl:300000:65536\n');
    const data = join(root, 'home/rl/.local/share/docker');
    await mkdir(data, { recursive: true });
    await chown(data, 4242, 4343);
    const r = await readRootless(root, { socket: '/run/user/4242/docker.sock', dockerRootDir: '/home/rl/.local/share/docker' });
    assert.deepEqual(r, { uid: 4242, user: 'rl', gid: 4343, home: '/home/rl', runtimeDir: '/run/user/4242', configDir: '/home/rl/.config/docker', subgids: [{ start: 300000, count: 65536 }] });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("with its process: the process's uid and environment win (XDG_CONFIG_HOME, XDG_RUNTIME_DIR)", async () => {
  const root = await mkdtemp(join(tmpdir(), 'moat-rootless-door-'));
  try {
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'etc/passwd'), 'rl:x:4242:4343::/home/rl:/bin/sh\n');
    const process = { pid: 77, argv: ['dockerd'], uid: 4242, env: { HOME: '/srv/rl', XDG_RUNTIME_DIR: '/tmp/xdg', XDG_CONFIG_HOME: '/srv/cfg', ROOTLESSKIT_STATE_DIR: '/tmp/rk' } };
    const r = await readRootless(root, { socket: '/elsewhere/d.sock', process, dockerRootDir: '/nowhere' });
    assert.deepEqual(r, { uid: 4242, user: 'rl', gid: 4343, home: '/srv/rl', runtimeDir: '/tmp/xdg', configDir: '/srv/cfg/docker', subgids: [] });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
