import { configAt } from '../daemon/support/options.ts';
import { containerRule, notApplicable } from '../../../models/rule.ts';
import { hostNamespaceDisablingLabels, selinuxLabelling, selinuxOnHost, unconfinedSelinuxType } from './support/confinement.ts';

export default containerRule({
  meta: {
    id: 'container-selinux',
    target: 'container',
    title: 'Container runs without SELinux confinement',
    severity: 'high',
    cis: { id: '5.3', automated: true },
    peers: { dockerBench: '5.3' },
    rationale:
      "Where SELinux is enforcing and dockerd runs with selinux-enabled, each container gets the container_t type and its own MCS category, so even a process that breaks out of its namespaces cannot touch host files or other containers. `label=disable` (which docker-bench counts as a pass because some security option is set) and the unconfined types `spc_t`/`unconfined_t` throw that away, as does a daemon that does not label at all. On hosts without SELinux the check does not apply (docker-bench warns there). The engine never labels privileged containers or those sharing the host's PID or IPC namespace (it adds label=disable itself); container-privileged, container-host-pid and container-host-ipc report those.",
    remediation:
      'Remove `--security-opt label=disable` or `label=type:spc_t` (compose: `security_opt: [label:disable]`); give a container that needs more access a policy module of its own and `--security-opt label=type:TYPE`. If the daemon does not label, set `"selinux-enabled": true` in daemon.json (or `dockerd --selinux-enabled`).',
    cwe: ['CWE-693'],
    urls: ['https://docs.docker.com/reference/cli/docker/container/run/#security-opt', 'https://github.com/containers/container-selinux'],
  },
  check(facts) {
    const { container, daemon } = facts;
    const on = selinuxOnHost(facts);
    if (on === false) return notApplicable('SELinux is not enabled on this host (no /sys/fs/selinux/enforce)');
    const labelling = selinuxLabelling(facts);
    if (on === undefined && labelling === false) return notApplicable('the daemon applies no SELinux labels (no selinux in /info SecurityOptions) and the host is not readable');
    // The engine itself switches labelling off for these; container-privileged, -host-pid and -host-ipc report the cause.
    if (container.privileged || hostNamespaceDisablingLabels(container)) return [];
    const at = container.where['security.selinuxDisabled'];
    const where = on === undefined ? ' (wherever SELinux is enabled)' : '';
    if (container.security.selinuxDisabled) return [{ message: `SELinux labelling is switched off for this container (label=disable)${where}`, at, evidence: 'label=disable' }];
    const t = unconfinedSelinuxType(facts);
    if (t) return [{ message: `runs as the unconfined SELinux type ${t}${where}`, at, evidence: `label=type:${t}` }];
    if (on === true && labelling === false && daemon) {
      return [{ message: 'SELinux is enabled on this host but dockerd does not label containers (selinux-enabled is off), so none is confined', at: configAt(daemon), evidence: 'selinux-enabled: (off)', severity: 'medium' }];
    }
    return [];
  },
});
