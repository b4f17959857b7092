import { formatLocation, type Location } from '../../../models/location.ts';
import { containerRule } from '../../../models/rule.ts';
import { effectiveCapabilities } from './support/capability-sets.ts';
import { apparmorConfinement, cgroupV1, selinuxConfinement, type Facts } from './support/confinement.ts';
import { cgroupRuleRisk, deviceRisk } from './support/devices.ts';
import { engineSocketsIn, isEngineSocketFile, socketList } from './support/engine-socket.ts';
import { normalizeHostPath, sensitiveMatches } from './support/host-paths.ts';
import { userNamespaceRemapped, userOf } from './support/identity.ts';
import { openedSystemPaths } from './support/system-paths.ts';
import { localVolumeMount } from '../../../models/local-volume.ts';

/** One fact a route needs, where it was read, and whether it is established or only likely (unknown at this door). */
interface Ingredient {
  fact: string;
  at?: Location;
  certain: boolean;
}

interface Route {
  name: string;
  how: string;
  ingredients: Ingredient[];
}

/** The facts that stop none of the MAC-dependent routes: neither AppArmor nor SELinux confines the container. */
function unconfined(f: Facts): Ingredient[] | undefined {
  const aa = apparmorConfinement(f);
  const se = selinuxConfinement(f);
  if (aa.confined === true || se.confined === true) return undefined;
  return [
    { fact: aa.why, at: aa.at ?? f.container.where['security.apparmor'], certain: aa.confined === false },
    { fact: se.why, at: se.at ?? f.container.where['security.selinuxDisabled'], certain: se.confined === false },
  ];
}

export default containerRule({
  meta: {
    id: 'container-breakout-path',
    target: 'container',
    title: 'Container settings combine into a path to host root',
    severity: 'critical',
    rationale: [
      'Single settings are reported by their own rules; this one joins them into the routes to root on the host that need no kernel bug, and reports one finding per container naming every ingredient and where it was read.',
      'The routes: (1) an engine socket mounted, read-only or not: the API starts a privileged container with / mounted;',
      '(2) privileged and root: every device and capability, no confinement (mount the host disk, load a module);',
      '(3) SYS_ADMIN, root, no AppArmor or SELinux confinement and cgroup v1: mount a cgroup hierarchy and set release_agent, which the kernel runs as host root;',
      '(4) SYS_MODULE and root: load a kernel module;',
      "(5) DAC_READ_SEARCH with DAC_OVERRIDE and root: open any host file by handle ('shocker') and write it;",
      '(6) SYS_PTRACE, the host PID namespace, root and no AppArmor or SELinux confinement: inject code into a host root process;',
      '(7) a writable bind of a host path root writes to run code (/, /etc, /root, /usr, /boot, /lib, /proc, /sys, /run, /var/spool/cron, /var/lib/docker...) and root: cron, systemd units, authorized_keys, core_pattern;',
      '(8) a writable host disk or memory device, or a device cgroup rule allowing block devices with MKNOD, and root: edit the host file system beneath it;',
      "(9) /proc/sys left writable (systempaths=unconfined) and root: core_pattern; (10) a local volume that mounts a host disk or the host's proc, sysfs, devtmpfs or cgroup file system, and root.",
      "Root means user id 0 not remapped by user namespaces (under userns-remap only route 1 stays open); a non-root user needs a setuid binary as well, which only the image's files can show, so it is not claimed.",
      'Seccomp is not an ingredient: the default profile allows mount, init_module, open_by_handle_at and ptrace to a holder of the matching capability, and without it the extra reach needs a kernel bug.',
      "A route whose ingredients are all established is critical. One that depends on something not known at this door (no user set and no image, the host's AppArmor or cgroup version) is medium: each of its ingredients is already reported by its own rule at its own severity, so the route is an explanation there, not a second verdict that the image or host could overturn.",
    ].join(' '),
    remediation:
      "Break every route named in the finding at its cheapest ingredient: remove the socket or host-path mount (`-v`, compose `volumes:`), run as a non-root user (`--user 10001`, compose `user:`), drop the capability (`--cap-add`, compose `cap_add:`), remove `--privileged`, `--pid host` or `--device` (compose `privileged:`, `pid:`, `devices:`), and keep AppArmor or SELinux confinement (no `--security-opt apparmor=unconfined` or `label=disable`).",
    cwe: ['CWE-250', 'CWE-269'],
    urls: ['https://blog.trailofbits.com/2019/07/19/understanding-docker-container-escapes/', 'https://book.hacktricks.wiki/en/linux-hardening/privilege-escalation/docker-security/docker-breakout-privilege-escalation/index.html'],
  },
  check(facts) {
    const c = facts.container;
    const routes: Route[] = [];
    for (const m of c.mounts) {
      const sockets = engineSocketsIn(m);
      if (!sockets.length) continue;
      const holds = sockets.length === 1 && sockets[0] === m.source ? '' : `, reaching ${socketList(sockets)}`;
      routes.push({
        name: 'engine socket',
        how: "call the engine's API to start a privileged container with the host's / mounted",
        ingredients: [{ fact: `${m.source} mounted at ${m.target}${m.readOnly ? ' (read-only, which does not stop connecting)' : ''}${holds}`, at: m.at ?? c.where.mounts, certain: true }],
      });
    }

    const user = userOf(facts);
    const remapped = userNamespaceRemapped(facts);
    const root: Ingredient | undefined =
      remapped === true || user.kind === 'non-root'
        ? undefined
        : { fact: user.kind === 'root' ? `runs as root (${user.shown})${remapped === false ? ' without user-namespace remapping' : ''}` : user.because, at: user.at, certain: user.kind === 'root' };

    if (root && c.privileged) {
      routes.push({ name: 'privileged', how: 'mount a host disk or load a kernel module: every device and capability, no confinement', ingredients: [{ fact: 'privileged', at: c.where.privileged, certain: true }, root] });
    } else if (root) {
      const caps = effectiveCapabilities(c);
      const cap = (name: string): Ingredient => ({ fact: c.capAdd.includes(name) || c.capAdd.includes('ALL') ? `${name} added` : `${name} (Docker's default set, not dropped)`, at: c.capAdd.includes(name) || c.capAdd.includes('ALL') ? c.where.capAdd : c.where.capDrop, certain: true });
      const mac = unconfined(facts);
      const { v1, at: cgroupAt } = cgroupV1(facts);
      if (caps.has('SYS_ADMIN') && mac && v1 !== false) {
        routes.push({
          name: 'SYS_ADMIN release_agent',
          how: 'mount a cgroup v1 hierarchy and set its release_agent, which the kernel runs as root on the host',
          ingredients: [cap('SYS_ADMIN'), ...mac, { fact: v1 ? 'cgroup v1' : 'cgroup version not known here (v1 has release_agent)', at: cgroupAt, certain: v1 === true }, root],
        });
      }
      if (caps.has('SYS_MODULE')) routes.push({ name: 'SYS_MODULE', how: 'load a kernel module: code in the host kernel', ingredients: [cap('SYS_MODULE'), root] });
      if (caps.has('DAC_READ_SEARCH') && caps.has('DAC_OVERRIDE')) {
        routes.push({ name: 'shocker', how: "open any host file by handle (open_by_handle_at, the 'shocker' exploit) and write it: /etc/shadow, root's authorized_keys", ingredients: [cap('DAC_READ_SEARCH'), cap('DAC_OVERRIDE'), root] });
      }
      if (caps.has('SYS_PTRACE') && c.namespaces.pid === 'host' && mac) {
        routes.push({ name: 'ptrace host process', how: 'ptrace a host process running as root and inject code into it', ingredients: [cap('SYS_PTRACE'), { fact: 'host PID namespace (--pid host)', at: c.where['namespaces.pid'], certain: true }, ...mac, root] });
      }
      for (const m of c.mounts) {
        if (m.type !== 'bind' || m.readOnly || isEngineSocketFile(m)) continue;
        const hits = sensitiveMatches(m.source).filter((s) => s.rootWrite);
        if (!hits.length) continue;
        routes.push({
          name: 'writable host path',
          how: `write under host ${normalizeHostPath(m.source)} what root on the host runs (${hits.map((h) => h.path).join(', ')}: cron, systemd units, authorized_keys, core_pattern)`,
          ingredients: [{ fact: `${m.source} mounted writable at ${m.target}`, at: m.at ?? c.where.mounts, certain: true }, root],
        });
      }
      for (const d of c.devices) {
        const r = deviceRisk(d.hostPath, d.nodes);
        if (!r.hostStorageOrMemory || !d.permissions.includes('w')) continue;
        const memory = r.memory;
        if (memory && !caps.has('SYS_RAWIO')) continue;
        routes.push({ name: 'host device', how: `write ${r.what}`, ingredients: [{ fact: `device ${d.hostPath} (${d.permissions})`, at: d.at ?? c.where.devices, certain: true }, ...(memory ? [cap('SYS_RAWIO')] : []), root] });
      }
      if (!c.privileged && openedSystemPaths(c.systemPaths).hostWrites.includes('/proc/sys')) {
        routes.push({ name: 'writable /proc/sys', how: 'write /proc/sys/kernel/core_pattern, which the host kernel runs as root on the next crash', ingredients: [{ fact: '/proc/sys not read-only (systempaths)', at: c.where.systemPaths, certain: true }, root] });
      }
      for (const m of c.mounts) {
        const lv = m.type === 'volume' && m.volume ? localVolumeMount(m.volume) : undefined;
        const block = lv?.kind === 'device' && (m.volume?.deviceNodes ? m.volume.deviceNodes.some((n) => n.kind === 'block') : deviceRisk(lv.device).hostStorageOrMemory);
        if (!lv || m.readOnly || !(block || (lv.kind === 'kernel' && ['proc', 'sysfs', 'devtmpfs', 'cgroup'].includes(lv.type.toLowerCase())))) continue;
        routes.push({ name: 'local volume', how: `write the host's ${lv.kind === 'kernel' ? lv.type : `disk ${lv.device}`} through a local volume`, ingredients: [{ fact: `local volume ${m.source || '(anonymous)'} (type=${lv.type}${lv.device ? `, device=${lv.device}` : ''}) at ${m.target}`, at: m.at ?? c.where.mounts, certain: true }, root] });
      }
      for (const rule of c.deviceCgroupRules) {
        if (!cgroupRuleRisk(rule).blockDevices || !caps.has('MKNOD')) continue;
        routes.push({ name: 'device cgroup rule', how: "create a node for a host disk (mknod) and write the host's file system beneath it", ingredients: [{ fact: `device cgroup rule "${rule}"`, at: c.where.deviceCgroupRules, certain: true }, cap('MKNOD'), root] });
      }
    }
    if (!routes.length) return [];

    const established = routes.some((r) => r.ingredients.every((i) => i.certain));
    const describe = (r: Route): string => `${r.how} [${r.ingredients.map((i) => `${i.fact}${i.at ? ` (${formatLocation(i.at)})` : ''}${i.certain ? '' : ' (likely)'}`).join(' + ')}]`;
    return [{
      message: `has ${routes.length > 1 ? `${routes.length} paths` : 'a path'} to root on the host: ${routes.map(describe).join('; or ')}`,
      at: routes[0]?.ingredients[0]?.at,
      evidence: routes.map((r) => `${r.name}: ${r.ingredients.map((i) => i.fact).join(' + ')}`).join('; '),
      severity: established ? 'critical' : 'medium',
    }];
  },
});
