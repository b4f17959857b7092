/**
 * Model builders for rule tests. The defaults describe a hardened container on a
 * well-configured local daemon and host, so a test changes only the field it is about
 * and any finding it sees comes from that change.
 */
import type { ContainerSpec } from '../../../models/container-spec.ts';
import type { DaemonOption, DaemonSpec } from '../../../models/daemon-spec.ts';
import type { FileFact, HostSpec } from '../../../models/host-spec.ts';
import type { ImageSpec } from '../../../models/image-spec.ts';
import type { ContainerFacts, SystemFacts } from '../../../models/rule.ts';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

export function hardenedContainer(over: DeepPartial<ContainerSpec> = {}): ContainerSpec {
  const base: ContainerSpec = {
    id: 'c0ffee000000000000000000000000000000000000000000000000000000beef',
    name: 'hardened',
    door: 'inspect',
    image: 'registry.example/app:1.2.3',
    imageId: 'sha256:' + 'a'.repeat(64),
    user: '10001:10001',
    privileged: false,
    capAdd: [],
    capDrop: ['ALL'],
    security: { seccomp: undefined, apparmor: 'docker-default', selinuxLabels: [], selinuxDisabled: false, noNewPrivileges: true, raw: ['no-new-privileges'] },
    namespaces: { pid: '', ipc: 'private', uts: '', network: 'app-net', userns: '', cgroupns: 'private' },
    mounts: [],
    devices: [],
    deviceCgroupRules: [],
    ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 }],
    publishAllPorts: false,
    networks: ['app-net'],
    resources: { memory: 256 * 1024 * 1024, memorySwap: 256 * 1024 * 1024, cpuShares: 512, pidsLimit: 100, ulimits: [] },
    readOnlyRootfs: true,
    restartPolicy: { name: 'on-failure', maxRetries: 5 },
    healthcheck: { test: ['CMD', '/app/healthcheck'], disabled: false },
    cgroupParent: undefined,
    env: ['PATH=/usr/bin'],
    labels: {},
    where: {},
    state: { status: 'running', running: true, pid: 4242, restartCount: 0, execIds: [] },
  };
  return merge(base, over);
}

export function option(key: string, value: unknown, from: DaemonOption['from'] = 'daemon.json'): DaemonOption {
  return { key, value, from, at: from === 'daemon.json' ? { file: '/etc/docker/daemon.json', line: 2, column: 3, path: key } : { path: `dockerd --${key}` } };
}

export function daemonSpec(over: DeepPartial<DaemonSpec> & { optionList?: DaemonOption[] } = {}): DaemonSpec {
  const { optionList, ...rest } = over;
  const base: DaemonSpec = {
    version: { engine: '29.1.0', apiVersion: '1.47', os: 'linux', arch: 'amd64', experimental: false, buildTime: '2024-09-20T11:41:00.000000000+00:00' },
    info: {
      id: 'daemon-id',
      name: 'host',
      containers: 1,
      containersRunning: 1,
      images: 1,
      storageDriver: 'overlay2',
      loggingDriver: 'syslog',
      cgroupDriver: 'systemd',
      cgroupVersion: '2',
      dockerRootDir: '/var/lib/docker',
      securityOptions: [
        { name: 'apparmor', details: {} },
        { name: 'seccomp', details: { profile: 'builtin' } },
        { name: 'userns', details: {} },
      ],
      authorizationPlugins: ['moat'],
      insecureRegistries: ['127.0.0.0/8'],
      liveRestoreEnabled: true,
      experimentalBuild: false,
      swarmState: 'inactive',
      defaultRuntime: 'runc',
      operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
      kernelVersion: '6.1.0',
    },
    options: new Map(),
    configFile: { path: '/etc/docker/daemon.json', present: true },
    process: { pid: 1, argv: ['/usr/bin/dockerd'] },
    local: true,
  };
  const spec = merge(base, rest as DeepPartial<DaemonSpec>);
  spec.options = new Map((optionList ?? defaultOptions()).map((o) => [o.key, o]));
  return spec;
}

/** daemon.json of a daemon hardened the way the benchmark asks. */
export function defaultOptions(): DaemonOption[] {
  return [
    option('icc', false),
    option('log-level', 'info'),
    option('userns-remap', 'default'),
    option('no-new-privileges', true),
    option('live-restore', true),
    option('userland-proxy', false),
    option('log-driver', 'syslog'),
    option('authorization-plugins', ['moat']),
  ];
}

export function fileFact(path: string, over: Partial<FileFact> = {}): FileFact {
  return { path, exists: true, type: 'file', mode: 0o644, uid: 0, gid: 0, user: 'root', group: 'root', ...over };
}

export function hostSpec(over: Partial<HostSpec> = {}): HostSpec {
  return {
    root: '/',
    files: new Map(),
    audit: { sources: ['/etc/audit/rules.d/docker.rules'], watchedPaths: new Set(), available: true },
    kernel: { apparmorEnabled: true, selinuxEnabled: false, cgroupVersion: 2 },
    mounts: [],
    dockerGroup: { gid: 998, members: [] },
    env: { DOCKER_CONTENT_TRUST: '1' },
    ...over,
  };
}

export function imageSpec(over: Partial<ImageSpec> = {}): ImageSpec {
  return {
    id: 'sha256:' + 'a'.repeat(64),
    repoTags: ['registry.example/app:1.2.3'],
    repoDigests: [],
    created: '2026-11-01T00:00:00Z',
    user: '10001',
    env: [],
    exposedPorts: ['8080/tcp'],
    healthcheck: { test: ['CMD', '/app/healthcheck'], disabled: false },
    labels: {},
    ...over,
  };
}

export function containerFacts(over: DeepPartial<ContainerSpec> = {}, extra: Omit<Partial<ContainerFacts>, 'container'> = {}): ContainerFacts {
  return { container: hardenedContainer(over), daemon: daemonSpec(), host: hostSpec(), image: imageSpec(), ...extra };
}

export function systemFacts(over: Partial<SystemFacts> = {}): SystemFacts {
  return { daemon: daemonSpec(), host: hostSpec(), now: new Date('2026-11-22T00:00:00Z'), ...over };
}

function merge<T>(base: T, over: DeepPartial<T>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b, v as DeepPartial<typeof b>) : v;
  }
  return out as T;
}
