import { localVolumeMount } from '../../../models/local-volume.ts';
import { containerRule, type Issue } from '../../../models/rule.ts';
import { deviceAllowed, deviceRisk } from './support/devices.ts';

export default containerRule({
  meta: {
    id: 'container-local-volume',
    target: 'container',
    title: "A local volume mounts a host device, a kernel file system or a network share",
    severity: 'high',
    rationale:
      "The built-in `local` volume driver passes its options to mount(2), run by dockerd as root in the host's namespaces when a container first uses the volume: `type=ext4,device=/dev/vda` mounts the host's disk (its whole file system, writable), `type=proc` or `sysfs` or `devtmpfs` or `cgroup` the host's own kernel file systems (core_pattern, every device node, release_agent), `type=nfs`/`cifs` another machine's share with the daemon's network and credentials. Volumes that bind a host path (`o=bind`) or lay an overlay over host directories are judged as the binds they make by the mount rules (container-sensitive-mounts, container-docker-socket). Where Moat can look at the daemon's host the device is judged by what it is (a block device, whatever its name or link); elsewhere by its name. moat.yaml `enforce.allow.volume-types` and `volume-devices` allow a share type or a dedicated disk. Read from `docker volume create -o`, `--mount type=volume,volume-opt=...`, compose `driver_opts`, and for existing containers the volume's own options.",
    remediation: 'Use a plain named volume (no `type`/`device` options), a tmpfs, or a bind of a dedicated directory; mount a data disk on the host and bind the directory instead of mounting the device in a volume.',
    cwe: ['CWE-668', 'CWE-250'],
  },
  check({ container, allow }) {
    const out: Issue[] = [];
    for (const m of container.mounts) {
      if (m.type !== 'volume' || !m.volume) continue;
      const lv = localVolumeMount(m.volume);
      if (!lv || allow?.volumeTypes.some((t) => t.toLowerCase() === lv.type.toLowerCase())) continue;
      const name = m.source || '(anonymous)';
      const at = m.at ?? container.where.mounts;
      const evidence = Object.entries(m.volume.options).map(([k, v]) => `${k}=${v}`).join(',');
      if (lv.kind === 'kernel') {
        out.push({ message: `local volume ${name} at ${m.target} mounts the host's ${lv.type} (type=${lv.type}: the daemon mounts it in the host's namespaces)`, at, evidence, severity: 'critical' });
      } else if (lv.kind === 'device') {
        if (deviceAllowed(lv.device, m.volume.deviceNodes, allow?.volumeDevices)) continue;
        const nodes = m.volume.deviceNodes;
        const risk = deviceRisk(lv.device || '/dev/unknown', nodes);
        const block = nodes?.some((n) => n.kind === 'block') ?? false;
        const known = nodes !== undefined;
        const what = block ? risk.what : known ? `${lv.device}, not a block device on this host (the mount fails unless one appears there)` : `${lv.device || 'no device'} (a host device: every file on it)`;
        out.push({
          message: `local volume ${name} at ${m.target} mounts ${what}${lv.type ? ` as ${lv.type}` : ''}`,
          at,
          evidence,
          severity: block ? (m.readOnly ? 'high' : 'critical') : known ? 'medium' : 'high',
        });
      } else if (lv.kind === 'network') {
        out.push({ message: `local volume ${name} at ${m.target} mounts a network share (${lv.type} ${lv.device}) with the daemon's network and credentials`, at, evidence, severity: 'medium' });
      }
    }
    return out;
  },
});
