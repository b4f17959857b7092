import { auditRule } from './support/audit-rules.ts';
import { SYSTEMD_DIRS } from '../../sources/host/paths.ts';

export default auditRule({
  id: 'host-audit-docker-socket',
  cis: '1.1.9',
  what: 'the docker.socket unit',
  canonical: '/lib/systemd/system/docker.socket',
  path: (p) => p.dockerSocketUnit,
  absent: `no docker.socket unit file in ${SYSTEMD_DIRS.join(', ')}`,
});
