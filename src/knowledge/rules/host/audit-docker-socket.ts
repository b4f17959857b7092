import { auditRule } from './support/auditd-watch-rules.ts';
import { ROOTLESS_NO_SOCKET_UNIT } from './support/file-rules.ts';
import { SYSTEMD_DIRS } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-docker-socket',
  cis: '1.1.9',
  // v1.7.0 turned 1.1.9 to the socket itself (host-audit-docker-sock).
  cisIds: { 'cis-1.7.0': null, 'cis-1.8.0': null },
  what: 'the docker.socket unit',
  canonical: '/lib/systemd/system/docker.socket',
  path: (p) => p.dockerSocketUnit,
  absent: `no docker.socket unit file in ${SYSTEMD_DIRS.join(', ')}`,
  rootless: ROOTLESS_NO_SOCKET_UNIT,
});
