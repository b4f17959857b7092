import { ownerRule } from './support/file-rules.ts';

export default ownerRule({
  id: 'host-docker-sock-owner',
  cis: '3.15',
  title: 'Docker socket is not owned by root:docker',
  severity: 'high',
  rationale:
    'The Docker socket is full control of the daemon, which is root on this host. Only root and the members of the docker group should be able to connect to it (a root group, which grants it to fewer users still, also passes).',
  remediation: '`chown root:docker /var/run/docker.sock`; to keep it across restarts set `SocketUser=root` and `SocketGroup=docker` in docker.socket (or `group` in daemon.json).',
  cwe: ['CWE-282'],
  files: (p) => p.dockerSockets,
  owner: 'root:docker',
});
