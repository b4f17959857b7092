import type { ContainerSpec, MountSpec } from '../../models/container-spec.ts';
import { normalizeCapabilities } from '../../models/normalize.ts';
import type { PluginInspect } from './inspect-schema.ts';

type PluginMount = NonNullable<NonNullable<PluginInspect['Settings']>['Mounts']>[number];

/**
 * The plugin door: `GET /plugins/{name}/json` → the privileges the daemon will run the plugin
 * with, laid over `base`. They come from the plugin's own config and settings (what dockerd
 * reads at enable), never from the privilege list a client sent at install: dockerd's
 * comparison of that list with the config can be fooled, the config cannot. A plugin runs as
 * its config's user (root unless set) with Docker's default capabilities plus its own.
 */
export function pluginOverSpec(p: PluginInspect, base: ContainerSpec): ContainerSpec {
  const spec: ContainerSpec = { ...base, name: p.Name, image: p.PluginReference || p.Name, door: 'inspect', where: { ...base.where } };
  const cfg = p.Config ?? {};
  const linux = cfg.Linux ?? {};
  const uid = cfg.User?.UID ?? 0;
  [spec.user, spec.where.user] = [`${uid}:${cfg.User?.GID ?? 0}`, { path: 'Config.User' }];
  [spec.capDrop, spec.where.capDrop] = [[], { path: 'Config.Linux.Capabilities' }];
  const caps = normalizeCapabilities(linux.Capabilities ?? []);
  if (caps.length) [spec.capAdd, spec.where.capAdd] = [caps, { path: 'Config.Linux.Capabilities' }];
  if ((cfg.Network?.Type ?? '').toLowerCase() === 'host') {
    [spec.namespaces, spec.where['namespaces.network']] = [{ ...spec.namespaces, network: 'host' }, { path: 'Config.Network.Type' }];
    spec.networks = ['host'];
  }
  if (cfg.PidHost === true) [spec.namespaces, spec.where['namespaces.pid']] = [{ ...spec.namespaces, pid: 'host' }, { path: 'Config.PidHost' }];
  if (cfg.IpcHost === true) [spec.namespaces, spec.where['namespaces.ipc']] = [{ ...spec.namespaces, ipc: 'host' }, { path: 'Config.IpcHost' }];
  if (linux.AllowAllDevices === true) [spec.deviceCgroupRules, spec.where.deviceCgroupRules] = [['a *:* rwm'], { path: 'Config.Linux.AllowAllDevices' }];
  // Settings hold the values in force (a mount's source re-pointed by `plugin set`); the config's are read too, so neither can hide the other.
  const mounts: MountSpec[] = [...base.mounts];
  const addMounts = (list: PluginMount[] | null | undefined, where: string): void => {
    for (const [i, m] of (list ?? []).entries()) {
      const source = m.Source ?? '';
      if (!source.startsWith('/')) continue;
      if (mounts.some((x) => x.source === source && x.target === (m.Destination ?? ''))) continue;
      const options = m.Options ?? [];
      mounts.push({ type: 'bind', source, target: m.Destination ?? '', readOnly: options.includes('ro'), at: { path: `${where}[${i}]` } });
    }
  };
  addMounts(p.Settings?.Mounts, 'Settings.Mounts');
  addMounts(cfg.Mounts, 'Config.Mounts');
  spec.mounts = mounts;
  const devices = [...base.devices];
  for (const [where, list] of [['Settings.Devices', p.Settings?.Devices], ['Config.Linux.Devices', linux.Devices]] as const) {
    for (const [i, d] of (list ?? []).entries()) {
      if (d.Path && !devices.some((x) => x.hostPath === d.Path)) devices.push({ hostPath: d.Path, containerPath: d.Path, permissions: 'rwm', at: { path: `${where}[${i}]` } });
    }
  }
  spec.devices = devices;
  spec.env = [...(p.Settings?.Env ?? [])];
  return spec;
}
