import { containerRule, type Issue } from '../../../models/rule.ts';
import { cgroupRuleAllowed, cgroupRuleRisk, deviceAllowed, deviceRisk } from './support/devices.ts';

export default containerRule({
  meta: {
    id: 'container-host-devices',
    target: 'container',
    title: 'Container has host devices exposed',
    severity: 'medium',
    cis: { id: '5.18', automated: false },
    peers: { dockerBench: '5.18' },
    rationale:
      "`--device` puts a host device node in the container and lets it through the device cgroup; `--device-cgroup-rule` lets it use any node it can create (MKNOD is in Docker's default set). A host disk (`/dev/sda`, `b *:* rwm`) is every host file, read or written beneath the file system; /dev/mem, /dev/kmem and /dev/port are host memory (critical). The benchmark leaves the judgement to a person (docker-bench reports info); Moat rates each device by what it is: where it can look at the daemon's host (enforce, audit of a local engine) by the node the path leads to once resolved (block or character, major:minor; a directory counts as every node under it, as dockerd adds them all), so `//dev/./vda`, `/proc/self/root/dev/vda`, a link to a disk or `/dev/zram0` are the block devices they are; elsewhere by the name, cleaned. moat.yaml `enforce.allow.devices` and `device-cgroup-rules` allow named ones on a host that needs them (a device is allowed only if every node it leads to is listed). Ordinary ones (/dev/fuse, /dev/net/tun, GPUs) are low.",
    remediation:
      'Remove the `--device /dev/X` and `--device-cgroup-rule` options (compose: `devices:`, `device_cgroup_rules:`) the workload does not need; give the ones it needs the least access (`--device /dev/fuse:/dev/fuse:r`), never a whole disk.',
    cwe: ['CWE-668'],
  },
  check({ container, allow }) {
    const out: Issue[] = container.devices.filter((d) => !deviceAllowed(d.hostPath, d.nodes, allow?.devices)).map((d) => {
      const r = deviceRisk(d.hostPath, d.nodes);
      return { message: `host device ${d.hostPath} is exposed at ${d.containerPath || d.hostPath} with access ${d.permissions} (${r.what})`, at: d.at ?? container.where.devices, evidence: `${d.hostPath}:${d.containerPath}:${d.permissions}`, severity: r.severity };
    });
    for (const rule of container.deviceCgroupRules) {
      if (cgroupRuleAllowed(rule, allow?.deviceCgroupRules)) continue;
      const r = cgroupRuleRisk(rule);
      out.push({ message: `device cgroup rule "${rule}" allows ${r.what}`, at: container.where.deviceCgroupRules, evidence: rule, severity: r.severity });
    }
    return out;
  },
});
