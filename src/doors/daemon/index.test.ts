import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../engine/client.ts';
import { MoatError } from '../../util/errors.ts';
import { mergeOptions, parseDaemonJson, parseDockerdArgv, readDaemon, type DaemonClient } from './index.ts';

test('reads the real engine: its version matches `docker version`, and it is local through the unix socket', async () => {
  const expected = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim();
  const client = await EngineClient.connect();
  try {
    const d = await readDaemon(client, {});
    assert.equal(d.version.engine, expected);
    assert.match(d.version.apiVersion, /^1\.\d+$/);
    assert.equal(d.local, true);
    assert.ok(d.info.storageDriver.length > 0);
    assert.ok(d.info.securityOptions.some((o) => o.name === 'seccomp'), 'this engine runs with seccomp');
    assert.ok(d.configFile?.path.endsWith('.json'));
    // The engine runs on this machine, so its process is visible in /proc.
    assert.match(d.process?.argv[0] ?? '', /(^|\/)dockerd$/);
  } finally {
    client.close();
  }
});

test('under a host root: daemon.json is read there and its options are located in it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'moat-root-'));
  const client = await EngineClient.connect();
  try {
    await mkdir(join(root, 'etc/docker'), { recursive: true });
    await writeFile(join(root, 'etc/docker/daemon.json'), '{\n  "icc": false,\n  "log-level": "debug"\n}\n');
    const d = await readDaemon(client, { hostRoot: root });
    assert.equal(d.process, undefined, 'no /proc under this root');
    assert.equal(d.local, true);
    assert.deepEqual(d.configFile, { path: '/etc/docker/daemon.json', present: true });
    assert.deepEqual(d.options.get('log-level'), { key: 'log-level', value: 'debug', from: 'daemon.json', at: { file: '/etc/docker/daemon.json', line: 3, column: 3, path: 'log-level' } });

    await writeFile(join(root, 'etc/docker/daemon.json'), '{\n  "icc": false,\n  "log-level": \n}\n');
    await assert.rejects(readDaemon(client, { hostRoot: root }), (e: unknown) => e instanceof MoatError && e.kind === 'incomplete' && e.message.startsWith('/etc/docker/daemon.json:4:1: expected a value'));

    const other = await readDaemon(client, { hostRoot: root, daemonConfigPath: '/etc/moat/none.json' });
    assert.deepEqual(other.configFile, { path: '/etc/moat/none.json', present: false });
    assert.equal(other.options.size, 0);
  } finally {
    client.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('under a host root: the dockerd found there names the config file, relative to its working directory', async () => {
  const root = await mkdtemp(join(tmpdir(), 'moat-root-'));
  const client = await EngineClient.connect();
  try {
    const procDir = join(root, 'proc', '4242');
    await mkdir(procDir, { recursive: true });
    await writeFile(join(procDir, 'comm'), 'dockerd\n');
    await writeFile(join(procDir, 'cmdline'), ['/usr/bin/dockerd', '--config-file', 'conf/d.json', '--icc=true'].join('\0') + '\0');
    await mkdir(join(root, 'srv/conf'), { recursive: true });
    await symlink('/srv', join(procDir, 'cwd'));
    await writeFile(join(root, 'srv/conf/d.json'), '{"icc": false, "iptables": false}');
    const d = await readDaemon(client, { hostRoot: root, daemonConfigPath: '/etc/ignored.json' });
    assert.deepEqual(d.process, { pid: 4242, argv: ['/usr/bin/dockerd', '--config-file', 'conf/d.json', '--icc=true'] });
    assert.deepEqual(d.configFile, { path: '/srv/conf/d.json', present: true });
    // Both set icc: the command line wins, and says so.
    assert.equal(d.options.get('icc')?.value, true);
    assert.equal(d.options.get('icc')?.from, 'argv');
    assert.deepEqual(d.options.get('icc')?.at, { path: 'dockerd argv[3]' });
    assert.equal(d.options.get('iptables')?.from, 'daemon.json');
  } finally {
    client.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('a remote daemon: no options, no config file, not local', async () => {
  const client = await EngineClient.connect();
  try {
    // The same engine, reached as if over TCP from a machine where no dockerd runs.
    const remote: DaemonClient = { endpoint: { kind: 'tcp', host: 'engine.example', port: 2376, display: 'tcp://engine.example:2376' }, getJson: (path) => client.getJson(path) };
    const root = await mkdtemp(join(tmpdir(), 'moat-root-'));
    try {
      const d = await readDaemon(remote, { hostRoot: root });
      assert.equal(d.local, false);
      assert.equal(d.options.size, 0);
      assert.equal(d.configFile, undefined);
      assert.ok(d.version.engine.length > 0);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  } finally {
    client.close();
  }
});

test('merge: the command line wins a key both set; the rest keep their source', () => {
  const merged = mergeOptions(parseDaemonJson('{"icc": true, "log-level": "info"}', '/etc/docker/daemon.json'), parseDockerdArgv(['dockerd', '--icc=false']));
  assert.equal(merged.get('icc')?.value, false);
  assert.equal(merged.get('icc')?.from, 'argv');
  assert.equal(merged.get('log-level')?.from, 'daemon.json');
});
