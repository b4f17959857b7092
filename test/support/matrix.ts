/**
 * The real-engine matrix: one container per insecure setting (and the hardened one),
 * with the non-info findings each must get. Shared by the integration test and the
 * side-by-side run with docker-bench-security (scripts/docker-bench-side-by-side.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../src/doors/engine/client.ts';
import { boolValue, optionOf } from '../../src/knowledge/rules/daemon/support/options.ts';
import { readDaemon } from '../../src/doors/daemon/index.ts';
import { TestContainers, docker, ensureTestImages, HARDENED_FLAGS, IMAGES, TEST_LABEL } from './engine.ts';

export interface Case {
  name: string;
  flags: string[];
  image?: string;
  /** `docker create` only: the setting cannot be started on this VM (privileged, shared propagation) or must not bind. */
  createOnly?: boolean;
  /** Run after the container exists (execs). */
  then?: (name: string) => Promise<void>;
  expect: string[];
  /** Info findings it must also get (data-decided checks that only list). */
  info?: string[];
}

/** Host facts some verdicts depend on, read from the engine and the daemon door. */
export interface HostFacts {
  apparmor: boolean;
  selinux: boolean;
  cgroupV1: boolean;
  daemonNoNewPrivileges: boolean;
}

/** HARDENED_FLAGS without `flag` (and its value, for flags that take one). */
function without(flag: string): string[] {
  const i = HARDENED_FLAGS.indexOf(flag);
  if (i < 0) throw new Error(`${flag} is not among the flags`);
  return [...HARDENED_FLAGS.slice(0, i), ...HARDENED_FLAGS.slice(i + (flag === '--read-only' ? 1 : 2))];
}
function replace(flag: string, value: string): string[] {
  const i = HARDENED_FLAGS.indexOf(flag);
  if (i < 0) throw new Error(`${flag} is not among the flags`);
  return HARDENED_FLAGS.map((f, j) => (j === i + 1 ? value : f));
}

export function matrixCases(host: HostFacts, env: { network: string; propagationDir: string; client: EngineClient }): Case[] {
  const ifOn = (on: boolean, id: string): string[] => (on ? [id] : []);
  const breakoutSysAdmin = !host.apparmor && !host.selinux && host.cgroupV1;
  const { network } = env;
  // The CLI starts an exec at once, and a privileged one cannot start on this VM (the engine then forgets it):
  // create it through the API, as `docker exec --privileged` does first.
  const privilegedExec = async (name: string): Promise<void> => {
    const res = await env.client.request('POST', `/containers/${name}/exec`, { Cmd: ['/sleeper'], Privileged: true });
    if (res.status !== 201) throw new Error(`exec create on ${name}: HTTP ${res.status}: ${res.body.toString()}`);
  };
  return [
    { name: 'hardened', flags: HARDENED_FLAGS, expect: [] },
    { name: 'plainimage', flags: HARDENED_FLAGS, image: IMAGES.plain, expect: ['container-healthcheck'] },
    { name: 'hostpid', flags: [...HARDENED_FLAGS, '--pid', 'host'], expect: ['container-host-pid'] },
    { name: 'hostipc', flags: [...HARDENED_FLAGS, '--ipc', 'host'], expect: ['container-host-ipc'] },
    { name: 'hostuts', flags: [...HARDENED_FLAGS, '--uts', 'host'], expect: ['container-host-uts'] },
    { name: 'hostnet', flags: replace('--network', 'host'), expect: ['container-host-network'] },
    { name: 'userns', flags: [...HARDENED_FLAGS, '--userns', 'host'], createOnly: true, expect: ['container-host-userns'] },
    { name: 'seccomp', flags: [...HARDENED_FLAGS, '--security-opt', 'seccomp=unconfined'], expect: ['container-seccomp-unconfined'] },
    { name: 'sock', flags: [...HARDENED_FLAGS, '-v', '/var/run/docker.sock:/var/run/docker.sock'], expect: ['container-docker-socket', 'container-breakout-path'] },
    { name: 'nolimits', flags: ['--user', '10001:10001', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--cpu-shares', '512', '--network', 'none'], expect: ['container-memory-limit', 'container-pids-limit', 'container-rootfs-writable'] },
    // A non-root user cannot use what privileged grants without a setuid binary (and no-new-privileges is on): no breakout claimed.
    { name: 'privileged', flags: [...HARDENED_FLAGS, '--privileged'], createOnly: true, expect: ['container-privileged'] },
    { name: 'root', flags: replace('--user', '0:0'), expect: ['container-root-user'] },
    { name: 'plainroot', flags: without('--user'), image: IMAGES.plain, expect: ['container-root-user', 'container-healthcheck'] },
    { name: 'defaultcaps', flags: without('--cap-drop'), expect: ['container-capabilities'] },
    { name: 'capadd', flags: [...HARDENED_FLAGS, '--cap-add', 'SYS_ADMIN'], expect: ['container-capabilities', 'container-dangerous-capabilities'] },
    { name: 'netraw', flags: [...HARDENED_FLAGS, '--cap-add', 'NET_RAW'], expect: ['container-dangerous-capabilities'] },
    {
      name: 'sysadminroot',
      flags: [...replace('--user', '0:0'), '--cap-add', 'SYS_ADMIN'],
      expect: ['container-root-user', 'container-capabilities', 'container-dangerous-capabilities', ...ifOn(breakoutSysAdmin, 'container-breakout-path')],
    },
    { name: 'rootbind', flags: [...replace('--user', '0:0'), '-v', '/:/host'], expect: ['container-root-user', 'container-sensitive-mounts', 'container-docker-socket', 'container-breakout-path'] },
    { name: 'etcro', flags: [...HARDENED_FLAGS, '-v', '/etc:/hostetc:ro'], expect: ['container-sensitive-mounts'] },
    { name: 'sshd', flags: [...HARDENED_FLAGS, '--entrypoint', '/usr/sbin/sshd'], expect: ['container-sshd'] },
    { name: 'port80', flags: [...replace('--network', network), '-p', '127.0.0.1:80:8080'], createOnly: true, expect: ['container-privileged-ports'], info: ['container-published-ports'] },
    { name: 'loopback', flags: [...replace('--network', network), '-p', '127.0.0.1::8080'], expect: [], info: ['container-published-ports'] },
    { name: 'allifaces', flags: [...replace('--network', network), '-p', '8080'], createOnly: true, expect: ['container-ports-all-interfaces'], info: ['container-published-ports'] },
    { name: 'publishall', flags: [...replace('--network', network), '-P', '--expose', '8080'], createOnly: true, expect: ['container-published-ports', 'container-ports-all-interfaces'] },
    { name: 'restart', flags: replace('--restart', 'always'), expect: ['container-restart-policy'] },
    { name: 'device', flags: [...HARDENED_FLAGS, '--device', '/dev/zero:/dev/xzero'], expect: ['container-host-devices'] },
    { name: 'devrule', flags: [...HARDENED_FLAGS, '--device-cgroup-rule', 'c 1:5 r'], expect: ['container-host-devices'] },
    { name: 'ulimit', flags: [...HARDENED_FLAGS, '--ulimit', 'nofile=512:512'], expect: [], info: ['container-ulimits'] },
    { name: 'propagation', flags: [...HARDENED_FLAGS, '--mount', `type=bind,source=${env.propagationDir},target=/x,bind-propagation=shared`], createOnly: true, expect: ['container-mount-propagation'] },
    { name: 'execroot', flags: HARDENED_FLAGS, then: (n) => docker('exec', '-d', '--user', '0', n, '/sleeper').then(() => undefined), expect: ['container-exec-root'] },
    { name: 'execpriv', flags: HARDENED_FLAGS, then: privilegedExec, expect: ['container-exec-privileged'] },
    { name: 'cgroupparent', flags: [...HARDENED_FLAGS, '--cgroup-parent', 'moat-test'], createOnly: true, expect: ['container-cgroup-parent'] },
    { name: 'nnp', flags: without('--security-opt'), expect: ifOn(!host.daemonNoNewPrivileges, 'container-no-new-privileges') },
    { name: 'nohealth', flags: [...HARDENED_FLAGS, '--no-healthcheck'], expect: ['container-healthcheck'] },
    // Created only: on this shared engine docker0 itself can be missing (other tests run daemons of their own), and starting would need it.
    { name: 'bridge', flags: replace('--network', 'bridge'), createOnly: true, expect: ['container-default-bridge'] },
    { name: 'cpushares', flags: without('--cpu-shares'), expect: ['container-cpu-shares'] },
    { name: 'apparmor', flags: [...HARDENED_FLAGS, '--security-opt', 'apparmor=unconfined'], expect: ifOn(host.apparmor, 'container-apparmor') },
    { name: 'selinux', flags: [...HARDENED_FLAGS, '--security-opt', 'label=disable'], expect: ifOn(host.selinux, 'container-selinux') },
    { name: 'riskyimage', flags: HARDENED_FLAGS, image: IMAGES.risky, createOnly: true, expect: ['container-healthcheck'] },
  ];
}

/** The image findings each test image must get. */
export const IMAGE_EXPECT: Record<string, string[]> = {
  [IMAGES.hardened]: [],
  [IMAGES.plain]: ['image-user', 'image-healthcheck'],
  [IMAGES.risky]: ['image-user', 'image-healthcheck', 'image-update-alone', 'image-add-instruction', 'image-secrets'],
};

export interface Matrix {
  cases: Case[];
  /** Case name → container name. */
  names: Map<string, string>;
  host: HostFacts;
  cleanup(): Promise<void>;
}

/** Builds the images and makes every container of the matrix; `cleanup` removes all of it. */
export async function startMatrix(prefix: string): Promise<Matrix> {
  const containers = new TestContainers(prefix);
  const network = `${containers.prefix}-net`;
  const propagationDir = mkdtempSync(join(tmpdir(), 'moat-test-propagation-'));
  const client = await EngineClient.connect();
  const cleanup = async (): Promise<void> => {
    await containers.cleanup();
    await docker('network', 'rm', network).catch(() => undefined);
    client.close();
    rmSync(propagationDir, { recursive: true, force: true });
  };
  try {
    const info = JSON.parse(await docker('info', '--format', '{{json .}}')) as { SecurityOptions?: string[]; CgroupVersion?: string };
    const daemon = await readDaemon(client, {});
    const host: HostFacts = {
      apparmor: (info.SecurityOptions ?? []).some((o) => o.includes('name=apparmor')),
      selinux: (info.SecurityOptions ?? []).some((o) => o.includes('name=selinux')),
      cgroupV1: info.CgroupVersion === '1',
      daemonNoNewPrivileges: boolValue(optionOf(daemon, 'no-new-privileges')) === true,
    };
    const cases = matrixCases(host, { network, propagationDir, client });
    await ensureTestImages();
    await docker('network', 'create', '--label', TEST_LABEL, network);
    const names = new Map<string, string>();
    // Four at a time: the engine is shared with other developers' tests on two cores.
    for (let i = 0; i < cases.length; i += 4) {
      await Promise.all(
        cases.slice(i, i + 4).map(async (c) => {
          const name = await containers.make(c.name, c.flags, { image: c.image, start: !c.createOnly });
          names.set(c.name, name);
          await c.then?.(name);
        }),
      );
    }
    return { cases, names, host, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
