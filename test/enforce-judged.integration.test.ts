/**
 * Issue 11, classes 2-5 and 7: devices, sockets, local volumes, system paths and seccomp
 * profiles judged by what they are, against a real dockerd of the test's own
 * (test/support/second-daemon.ts) with `moat enforce` as its authorization plugin under the
 * default policy. Each bypass spelling is sent through the real `docker` CLI (or the API where
 * the CLI cannot spell it); none gets through and none leaves anything behind; the harmless
 * neighbours of each (a tmpfs volume, a bind of a plain directory, /dev/fuse, a filtering
 * profile) still work.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Enforcer } from '../src/features/enforce/enforcer.ts';
import { startPluginServer, type PluginServer } from '../src/features/enforce/server.ts';
import { containerRules } from '../src/knowledge/rules/container/index.ts';
import { ensureTestImages, IMAGES } from './support/engine.ts';
import { rawRequest } from './support/raw-http.ts';
import { loadImage, startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';

const PLUGIN = `moat-judged-${process.pid}`;
const IMAGE = IMAGES.hardened;
/** Settings with no high or critical finding of their own: what the default policy lets through. */
const SAFE = ['--network', 'none', '--memory', '64m', '--pids-limit', '50', '--read-only', '--cap-drop', 'ALL'];

let dir: string;
let daemon: SecondDaemon;
let server: PluginServer;

/** Two block devices this machine has (from /sys/dev/block), as /dev paths. */
function disks(): string[] {
  return readdirSync('/sys/dev/block')
    .map((id) => /DEVNAME=(.+)/.exec(readFileSync(`/sys/dev/block/${id}/uevent`, 'utf8'))?.[1])
    .filter((n): n is string => n !== undefined)
    .slice(0, 2)
    .map((n) => `/dev/${n}`);
}

before(async () => {
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'moat-judged-'));
  const socketPath = join(dir, 'plugin.sock');
  server = await startPluginServer({ socketPath, enforcer: new Enforcer({ rules: containerRules }) });
  daemon = await startSecondDaemon({ plugins: [PLUGIN], prepare: ({ pluginSockets }) => symlinkSync(socketPath, join(pluginSockets, `${PLUGIN}.sock`)) });
  await loadImage(daemon, IMAGE);
});

after(async () => {
  await daemon?.stop();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
const nameOf = (what: string): string => `moat-test-judged-${process.pid}-${what}-${seq++}`;

async function exists(name: string): Promise<boolean> {
  return (await daemon.docker('ps', '-a', '--filter', `name=^/${name}$`, '--format', '{{.Names}}')) === name;
}

/** `docker create` with these flags is refused by the plugin naming `rule`, and nothing is created. */
async function assertCreateDenied(flags: string[], rule: RegExp): Promise<void> {
  const name = nameOf('d');
  const r = await daemon.dockerResult('create', '--name', name, ...flags, ...SAFE, IMAGE);
  assert.notEqual(r.code, 0, `${flags.join(' ')} must be denied`);
  assert.match(r.stderr, new RegExp(`authorization denied by plugin ${PLUGIN}: moat: denied: .*${rule.source}`), flags.join(' '));
  assert.equal(await exists(name), false, `${flags.join(' ')} left ${name} behind`);
}

async function assertCreateAllowed(flags: string[]): Promise<void> {
  const name = nameOf('ok');
  const r = await daemon.dockerResult('create', '--name', name, ...flags, ...SAFE, IMAGE);
  assert.equal(r.code, 0, `${flags.join(' ')} must be allowed: ${r.stderr}`);
  await daemon.docker('rm', '-f', name);
}

async function apiCreate(hostConfig: Record<string, unknown>, rule: RegExp | undefined): Promise<void> {
  const name = nameOf('api');
  const body = JSON.stringify({ Image: IMAGE, User: '10001', HostConfig: { NetworkMode: 'none', Memory: 64 << 20, PidsLimit: 50, ReadonlyRootfs: true, CapDrop: ['ALL'], ...hostConfig } });
  const r = await rawRequest(daemon.socket, 'POST', `/v1.41/containers/create?name=${name}`, { headers: { 'Content-Type': 'application/json' }, body });
  if (rule) {
    assert.equal(r.status, 403, `${JSON.stringify(hostConfig)}: ${r.body}`);
    assert.match(r.body, rule);
    assert.equal(await exists(name), false);
  } else {
    assert.equal(r.status, 201, `${JSON.stringify(hostConfig)}: ${r.body}`);
    await daemon.docker('rm', '-f', name);
  }
}

describe('devices are judged by what they are (class 5)', () => {
  test('every spelling of a disk, a link to one, another block device and a directory of devices are denied', async () => {
    const [disk, other] = disks() as [string, string | undefined];
    const name = disk.slice('/dev/'.length);
    const link = join(dir, 'innocent-device');
    symlinkSync(disk, link);
    const spellings = [disk, `/${disk}`, `/dev/./${name}`, `/dev/../dev/${name}`, `/proc/self/root${disk}`, link, ...(other ? [other] : []), '/dev'];
    for (const path of spellings) await assertCreateDenied(['--device', `${path}:/dev/xdisk`], /container-host-devices \(high\): host device .*block/);
  });

  test('device cgroup rules that open block devices or every device are denied', async () => {
    for (const rule of ['b *:* rwm', 'a *:* rwm']) await assertCreateDenied(['--device-cgroup-rule', rule], /container-host-devices \(high\)/);
  });

  test('ordinary character devices still work: /dev/fuse, and a link to /dev/null', async () => {
    const link = join(dir, 'null-link');
    symlinkSync('/dev/null', link);
    await assertCreateAllowed(['--device', '/dev/fuse']);
    await assertCreateAllowed(['--device', `${link}:/dev/mynull`]);
  });
});

describe("sockets are judged by what they are, through any parent directory (class 3)", () => {
  test('a read-only bind of /, /run and /var/run, the exec-root containerd directory, and the engine socket under another name are denied', async () => {
    const alias = join(daemon.dir, 'harmless-name');
    linkSync(daemon.socket, alias);
    const cases = [['-v', '/:/host:ro'], ['-v', '/run:/r:ro'], ['--mount', 'type=bind,source=/var/run,target=/r,readonly'], ['-v', `${join(daemon.dir, 'exec', 'containerd')}:/c:ro`], ['-v', `${alias}:/x:ro`], ['-v', `${daemon.dir}:/d:ro`]];
    for (const flags of cases) await assertCreateDenied(flags, /container-docker-socket \(critical\)/);
  });

  test('a bind of a plain directory still works', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    await assertCreateAllowed(['-v', `${data}:/data:ro`]);
  });
});

describe('local volumes are judged as the mounts they make (class 2)', () => {
  test('device, kernel and overlay mounts are denied at volume create and inline in a create', async () => {
    const [disk] = disks() as [string];
    const link = join(dir, 'innocent-volume-device');
    symlinkSync(disk, link);
    const optionSets = [
      ['type=ext4', `device=${disk}`],
      ['type=ext4', `device=//dev/./${disk.slice('/dev/'.length)}`],
      ['type=xfs', `device=${link}`],
      ['type=proc', 'device=proc'],
      ['type=devtmpfs', 'device=devtmpfs'],
      ['type=overlay', 'device=overlay', `o=lowerdir=/:${dir},upperdir=${dir}/u,workdir=${dir}/w`],
    ];
    for (const opts of optionSets) {
      const vol = nameOf('vol');
      const r = await daemon.dockerResult('volume', 'create', ...opts.flatMap((o) => ['--opt', o]), vol);
      assert.notEqual(r.code, 0, `volume create ${opts.join(' ')} must be denied`);
      assert.match(r.stderr, /container-(local-volume|docker-socket) \(critical\)/, opts.join(' '));
      assert.equal(await daemon.docker('volume', 'ls', '-q', '--filter', `name=^${vol}$`), '', `${vol} must not exist`);
      const inline = ['type=volume', 'target=/v', ...opts.map((o) => `volume-opt=${o.replaceAll(',', '\\,')}`)];
      // The CLI reads --mount as CSV: a comma inside an option value needs the field quoted.
      const mount = inline.map((f) => (f.includes(',') ? `"${f.replaceAll('\\,', ',')}"` : f)).join(',');
      await assertCreateDenied(['--mount', mount], /container-(local-volume|docker-socket) \(critical\)/);
    }
  });

  test('a tmpfs volume and a plain volume still work', async () => {
    const vol = nameOf('tmpfs');
    await daemon.docker('volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=1m', vol);
    await assertCreateAllowed(['-v', `${vol}:/t`]);
    await daemon.docker('volume', 'rm', vol);
    const plain = nameOf('plain');
    await daemon.docker('volume', 'create', plain);
    await daemon.docker('volume', 'rm', plain);
  });
});

describe('system paths and seccomp profiles (classes 4 and 7)', () => {
  test('systempaths=unconfined, and MaskedPaths/ReadonlyPaths emptied through the API, are denied; null means the defaults', async () => {
    await assertCreateDenied(['--security-opt', 'systempaths=unconfined'], /container-systempaths-unconfined \(high\)/);
    await apiCreate({ ReadonlyPaths: [] }, /container-systempaths-unconfined \(high\)/);
    await apiCreate({ readonlypaths: ['/proc/bus'] }, /container-systempaths-unconfined \(high\): \/proc\/fs, \/proc\/irq, \/proc\/sys/);
    await apiCreate({ MaskedPaths: null, ReadonlyPaths: null }, undefined);
  });

  test('a profile that allows by default is unconfined, in any key case; an unreadable one is denied; a filtering one works', async () => {
    const allow = join(dir, 'allow.json');
    writeFileSync(allow, '{"defaultAction": "SCMP_ACT_ALLOW"}\n');
    await assertCreateDenied(['--security-opt', `seccomp=${allow}`], /container-seccomp-unconfined \(high\): seccomp filtering is disabled \(an inline profile whose defaultAction is SCMP_ACT_ALLOW\)/);
    await apiCreate({ SecurityOpt: ['seccomp={"DEFAULTACTION":"SCMP_ACT_LOG"}'] }, /container-seccomp-unconfined/);
    await apiCreate({ SecurityOpt: ['seccomp={"defaultAction":'] }, /container-seccomp-unconfined \(high\): the inline seccomp profile is not valid JSON/);
    const errno = join(dir, 'errno.json');
    writeFileSync(errno, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'exit', 'exit_group'], action: 'SCMP_ACT_ALLOW' }] }));
    await assertCreateAllowed(['--security-opt', `seccomp=${errno}`]);
  });
});
