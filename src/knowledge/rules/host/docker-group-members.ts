import { hostRule, notApplicable } from '../../../models/rule.ts';
import { REMOTE } from './support/file-rules.ts';

export default hostRule({
  meta: {
    id: 'host-docker-group-members',
    target: 'host',
    title: 'Users in the docker group control the daemon',
    severity: 'info',
    cis: { id: '1.1.2', automated: true },
    peers: { dockerBench: '1.1.2' },
    rationale:
      'Members of the docker group can use the Docker socket, and so run a privileged container that mounts the host: each of them is root on this host. Moat cannot tell which of them are trusted; a person must.',
    remediation: 'Remove every user who should not be root on this host: `gpasswd -d <user> docker` (and change the primary group of any user whose primary group is docker: `usermod -g <group> <user>`).',
    cwe: ['CWE-250'],
    urls: ['https://docs.docker.com/engine/security/#docker-daemon-attack-surface'],
  },
  check({ host, daemon }) {
    if (!host) return notApplicable(REMOTE);
    if (daemon.rootless) {
      return notApplicable(
        "not applicable (rootless daemon): the docker group opens the system daemon's /var/run/docker.sock; this daemon's socket is in its user's $XDG_RUNTIME_DIR, which only that user can enter",
      );
    }
    const group = host.dockerGroup;
    if (!group || group.members.length === 0) return [];
    const n = group.members.length;
    return [
      {
        message: `${n} ${n === 1 ? 'user is' : 'users are'} in the docker group and so root on this host: ${group.members.join(', ')}; confirm each is trusted`,
        at: { file: '/etc/group' },
        evidence: `docker:x:${group.gid}:${group.members.join(',')}`,
      },
    ];
  },
});
