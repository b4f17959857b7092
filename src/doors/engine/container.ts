import type { ContainerSpec, ContainerState, MountSpec, PortSpec } from '../../models/container-spec.ts';
import { withLocalVolumeBinds } from '../../models/local-volume.ts';
import { normalizeCapabilities, parsePortKey, parseSecurityOpts } from '../../models/normalize.ts';
import type { ContainerInspect } from './inspect-schema.ts';

const MOUNT_TYPES = new Set<MountSpec['type']>(['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image']);
const STATES = new Set<ContainerState['status']>(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

/** The inspect door: `GET /containers/{id}/json` → ContainerSpec, each field located by its inspect path. */
export function containerFromInspect(c: ContainerInspect): ContainerSpec {
  const hc = c.HostConfig ?? {};
  const cfg = c.Config ?? {};
  const security = parseSecurityOpts(hc.SecurityOpt);
  // The profile actually applied; set even when no --security-opt named one.
  if (security.apparmor === undefined && c.AppArmorProfile) security.apparmor = c.AppArmorProfile;

  const requested = hc.Mounts ?? [];
  const mounts: MountSpec[] = (c.Mounts ?? []).map((m, i) => {
    const spec: MountSpec = {
      type: MOUNT_TYPES.has(m.Type as MountSpec['type']) ? (m.Type as MountSpec['type']) : 'bind',
      source: m.Type === 'volume' ? (m.Name ?? m.Source ?? '') : (m.Source ?? ''),
      target: m.Destination,
      readOnly: m.RW === false,
      propagation: m.Propagation || undefined,
      at: { path: `Mounts[${i}]` },
    };
    if (m.Type === 'volume') {
      // Options sent with the create (`volume-opt=`) are in HostConfig.Mounts; a named volume's own are read by the caller (volumeOptions.ts).
      const j = requested.findIndex((r) => r.Type === 'volume' && cleanTarget(r.Target ?? '') === cleanTarget(m.Destination) && r.VolumeOptions?.DriverConfig);
      const dc = requested[j]?.VolumeOptions?.DriverConfig;
      if (dc) [spec.volume, spec.at] = [{ driver: dc.Name ?? m.Driver ?? '', options: dc.Options ?? {} }, { path: `HostConfig.Mounts[${j}].VolumeOptions.DriverConfig` }];
      else if (m.Driver !== undefined && m.Driver !== null) spec.volume = { driver: m.Driver, options: {} };
    }
    return spec;
  });
  // dockerd mounts the cleaned source (`/var/run/../etc` is shown as /var/etc) but checked the one written; the
  // create door judges the written one too, so the audit does the same (HostConfig keeps it as sent).
  const written = [
    ...(hc.Binds ?? []).map((b) => ({ source: b.split(':')[0] ?? '', target: b.split(':')[1] ?? '' })),
    ...requested.filter((r) => r.Type === 'bind').map((r) => ({ source: r.Source ?? '', target: r.Target ?? '' })),
  ];
  for (const m of [...mounts]) {
    if (m.type !== 'bind') continue;
    const raw = written.find((w) => cleanTarget(w.target) === cleanTarget(m.target) && w.source !== m.source && cleanTarget(w.source) !== m.source);
    if (raw) mounts.push({ ...m, source: raw.source, derivedFrom: 'the source as written in the create request' });
  }
  // `--tmpfs` mounts live only in HostConfig.Tmpfs: `Mounts` lists binds, volumes and `--mount type=tmpfs`.
  for (const [target, options] of Object.entries(hc.Tmpfs ?? {})) {
    if (!mounts.some((m) => m.target === target)) {
      mounts.push({ type: 'tmpfs', source: '', target, readOnly: options.split(',').includes('ro'), at: { path: `HostConfig.Tmpfs["${target}"]` } });
    }
  }

  const ports: PortSpec[] = [];
  for (const [key, bindings] of Object.entries(hc.PortBindings ?? {})) {
    const parsed = parsePortKey(key);
    if (!parsed) continue;
    for (const [i, b] of (bindings ?? []).entries()) {
      // HostPort is a port, '' (ephemeral) or a range the engine picks from (`8000-8010`).
      const range = /^(\d+)(?:-(\d+))?$/.exec(b.HostPort ?? '');
      const port: PortSpec = { containerPort: parsed.port, protocol: parsed.protocol, hostIp: b.HostIp ?? '', hostPort: range ? Number(range[1]) : undefined, at: { path: `HostConfig.PortBindings["${key}"][${i}]` } };
      if (range?.[2] !== undefined && range[2] !== range[1]) port.hostPortEnd = Number(range[2]);
      ports.push(port);
    }
  }

  const hcTest = cfg.Healthcheck?.Test ?? [];
  const status = (c.State?.Status ?? 'created') as ContainerState['status'];

  return {
    id: c.Id,
    name: (c.Name ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    door: 'inspect',
    image: cfg.Image ?? c.Image ?? '',
    imageId: c.Image ?? undefined,
    user: cfg.User || undefined,
    privileged: hc.Privileged === true,
    capAdd: normalizeCapabilities(hc.CapAdd),
    capDrop: normalizeCapabilities(hc.CapDrop),
    security,
    namespaces: {
      pid: hc.PidMode ?? undefined,
      ipc: hc.IpcMode ?? undefined,
      uts: hc.UTSMode ?? undefined,
      network: hc.NetworkMode ?? undefined,
      userns: hc.UsernsMode ?? undefined,
      cgroupns: hc.CgroupnsMode ?? undefined,
    },
    mounts: withLocalVolumeBinds(mounts),
    devices: (hc.Devices ?? []).map((d, i) => ({
      hostPath: d.PathOnHost ?? '',
      containerPath: d.PathInContainer ?? '',
      permissions: d.CgroupPermissions ?? 'rwm',
      at: { path: `HostConfig.Devices[${i}]` },
    })),
    deviceCgroupRules: hc.DeviceCgroupRules ?? [],
    ports,
    publishAllPorts: hc.PublishAllPorts === true,
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    resources: {
      memory: hc.Memory ?? undefined,
      memorySwap: hc.MemorySwap ?? undefined,
      cpuShares: hc.CpuShares ?? undefined,
      nanoCpus: hc.NanoCpus ?? undefined,
      cpuQuota: hc.CpuQuota ?? undefined,
      cpusetCpus: hc.CpusetCpus || undefined,
      pidsLimit: hc.PidsLimit ?? undefined,
      ulimits: (hc.Ulimits ?? []).map((u, i) => ({ name: u.Name, soft: u.Soft, hard: u.Hard, at: { path: `HostConfig.Ulimits[${i}]` } })),
    },
    readOnlyRootfs: hc.ReadonlyRootfs === true,
    restartPolicy: { name: hc.RestartPolicy?.Name ?? '', maxRetries: hc.RestartPolicy?.MaximumRetryCount ?? 0 },
    healthcheck: hcTest.length === 0 ? undefined : { test: hcTest, disabled: hcTest[0] === 'NONE' },
    cgroupParent: hc.CgroupParent || undefined,
    env: cfg.Env ?? [],
    labels: cfg.Labels ?? {},
    ...(hc.Sysctls && Object.keys(hc.Sysctls).length ? { sysctls: hc.Sysctls } : {}),
    // dockerd fills in its defaults at create: null here means a privileged container (which gets none).
    ...(hc.MaskedPaths || hc.ReadonlyPaths ? { systemPaths: { ...(hc.MaskedPaths ? { masked: hc.MaskedPaths } : {}), ...(hc.ReadonlyPaths ? { readonly: hc.ReadonlyPaths } : {}) } } : {}),
    where: {
      image: { path: 'Config.Image' },
      user: { path: 'Config.User' },
      privileged: { path: 'HostConfig.Privileged' },
      capAdd: { path: 'HostConfig.CapAdd' },
      capDrop: { path: 'HostConfig.CapDrop' },
      security: { path: 'HostConfig.SecurityOpt' },
      'security.apparmor': security.raw.some((o) => /^apparmor[=:]/.test(o)) ? { path: 'HostConfig.SecurityOpt' } : { path: 'AppArmorProfile' },
      'security.seccomp': { path: 'HostConfig.SecurityOpt' },
      'security.noNewPrivileges': { path: 'HostConfig.SecurityOpt' },
      'security.selinuxLabels': { path: 'HostConfig.SecurityOpt' },
      'security.selinuxDisabled': { path: 'HostConfig.SecurityOpt' },
      'namespaces.pid': { path: 'HostConfig.PidMode' },
      'namespaces.ipc': { path: 'HostConfig.IpcMode' },
      'namespaces.uts': { path: 'HostConfig.UTSMode' },
      'namespaces.network': { path: 'HostConfig.NetworkMode' },
      'namespaces.userns': { path: 'HostConfig.UsernsMode' },
      'namespaces.cgroupns': { path: 'HostConfig.CgroupnsMode' },
      mounts: { path: 'Mounts' },
      devices: { path: 'HostConfig.Devices' },
      deviceCgroupRules: { path: 'HostConfig.DeviceCgroupRules' },
      ports: { path: 'HostConfig.PortBindings' },
      publishAllPorts: { path: 'HostConfig.PublishAllPorts' },
      networks: { path: 'NetworkSettings.Networks' },
      'resources.memory': { path: 'HostConfig.Memory' },
      'resources.cpuShares': { path: 'HostConfig.CpuShares' },
      'resources.pidsLimit': { path: 'HostConfig.PidsLimit' },
      'resources.ulimits': { path: 'HostConfig.Ulimits' },
      readOnlyRootfs: { path: 'HostConfig.ReadonlyRootfs' },
      restartPolicy: { path: 'HostConfig.RestartPolicy' },
      healthcheck: { path: 'Config.Healthcheck' },
      cgroupParent: { path: 'HostConfig.CgroupParent' },
      env: { path: 'Config.Env' },
      labels: { path: 'Config.Labels' },
      sysctls: { path: 'HostConfig.Sysctls' },
      systemPaths: { path: 'HostConfig.ReadonlyPaths' },
    },
    state: {
      status: STATES.has(status) ? status : 'created',
      running: c.State?.Running === true,
      pid: c.State?.Pid ?? 0,
      startedAt: c.State?.StartedAt ?? undefined,
      restartCount: c.RestartCount ?? 0,
      execIds: c.ExecIDs ?? [],
    },
  };
}

function cleanTarget(p: string): string {
  const s = p.replace(/\/+/g, '/').replace(/\/$/, '');
  return s === '' ? '/' : s;
}
