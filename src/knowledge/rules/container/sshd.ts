import { containerRule, notApplicable } from '../../../models/rule.ts';

/** The SSH daemons: OpenSSH's (and its per-session children, titled `sshd: user@pts/0`) and Dropbear. */
export function isSshDaemon(command: string): boolean {
  const cmd = command.trim();
  if (/^sshd:/.test(cmd)) return true;
  const first = cmd.split(/\s+/)[0] ?? '';
  return /^(sshd|dropbear)$/.test(first.slice(first.lastIndexOf('/') + 1));
}

export default containerRule({
  meta: {
    id: 'container-sshd',
    target: 'container',
    title: 'Container runs an SSH daemon',
    severity: 'medium',
    cis: { id: '5.7', automated: true },
    peers: { dockerBench: '5.7' },
    rationale:
      "An SSH server in a container is one more network service with its own keys, users and patches to manage, and a way in that bypasses the engine's access control and audit. `docker exec` reaches a container without it. Moat reads processes on the host (the container's cgroup in /proc, or the engine's `top` for a remote daemon), so images without ps are checked too; docker-bench runs ps inside the container and passes those.",
    remediation:
      'Remove the SSH server from the image and its start from the entrypoint (`--entrypoint`, compose `entrypoint:`/`command:`); use `docker exec -it CONTAINER sh` to get a shell.',
    cwe: ['CWE-1327'],
    needs: ['processes'],
  },
  check({ container, processes, daemon }) {
    if (!processes && container.state?.running && daemon?.local && daemon.info.cgroupDriver === 'none') {
      // An error verdict, not a pass: the check could not look.
      throw new Error(
        "its processes could not be listed: the daemon runs without cgroups, so the engine's `top` fails, and the container shares a PID namespace (--pid) that does not tell its processes apart",
      );
    }
    if (!processes) {
      return notApplicable(container.state && !container.state.running ? 'the container is not running, so it has no processes' : 'processes are known only for running containers (read through the engine)');
    }
    return processes
      .filter((p) => isSshDaemon(p.command))
      .map((p) => ({ message: `runs an SSH daemon (pid ${p.pid}, user ${p.user}): ${p.command}`, at: { path: `processes[pid ${p.pid}]` }, evidence: p.command }));
  },
});
