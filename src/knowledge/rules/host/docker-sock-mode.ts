import { modeRule } from './support/file-rules.ts';

export default modeRule({
  id: 'host-docker-sock-mode',
  cis: '3.16',
  title: 'Docker socket is more permissive than 0660',
  severity: 'high',
  rationale:
    'The Docker socket is full control of the daemon, which is root on this host. Only root and the members of the docker group should be able to connect to it.',
  remediation: '`chmod 660 /var/run/docker.sock`; to keep it across restarts set `SocketMode=0660` in docker.socket.',
  cwe: ['CWE-732'],
  files: (p) => p.dockerSockets,
  max: 0o660,
  // Others connecting to the socket is root for every local user.
  severityOf: (excess) => (excess & 0o002 ? 'critical' : undefined),
});
