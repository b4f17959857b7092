import { ownerRule, ROOTLESS_NO_SOCKET_UNIT } from './support/file-rules.ts';
import { SYSTEMD_DIRS } from '../../../models/host-paths.ts';

export default ownerRule({
  id: 'host-docker-socket-unit-owner',
  cis: '3.3',
  title: 'docker.socket is not owned by root:root',
  severity: 'medium',
  rationale:
    'The docker.socket unit creates the Docker socket and sets who may use it (SocketMode, SocketGroup). Whoever can change it can open the daemon, and so root on this host, to anyone.',
  remediation: 'Find the unit with `systemctl show -p FragmentPath docker.socket`, then `chown root:root` it (usually `chown root:root /lib/systemd/system/docker.socket`).',
  cwe: ['CWE-282'],
  files: (p) => [p.dockerSocketUnit],
  absent: `no docker.socket unit file in ${SYSTEMD_DIRS.join(', ')}`,
  owner: 'root:root',
  rootless: ROOTLESS_NO_SOCKET_UNIT,
});
