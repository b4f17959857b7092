import { modeRule, writeByOthers, ROOTLESS_NO_SOCKET_UNIT } from './support/file-rules.ts';
import { SYSTEMD_DIRS } from '../../../models/host-paths.ts';

export default modeRule({
  id: 'host-docker-socket-unit-mode',
  cis: '3.4',
  title: 'docker.socket is more permissive than 0644',
  severity: 'medium',
  rationale:
    'The docker.socket unit creates the Docker socket and sets who may use it (SocketMode, SocketGroup). Whoever can change it can open the daemon, and so root on this host, to anyone.',
  remediation: 'Find the unit with `systemctl show -p FragmentPath docker.socket`, then `chmod 644` it (usually `chmod 644 /lib/systemd/system/docker.socket`).',
  cwe: ['CWE-732'],
  files: (p) => [p.dockerSocketUnit],
  absent: `no docker.socket unit file in ${SYSTEMD_DIRS.join(', ')}`,
  max: 0o644,
  severityOf: writeByOthers,
  rootless: ROOTLESS_NO_SOCKET_UNIT,
});
