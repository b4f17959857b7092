import { auditRule } from './support/audit-rules.ts';
import { SYSTEMD_DIRS } from '../../../doors/host/paths.ts';

export default auditRule({
  id: 'host-audit-docker-service',
  cis: '1.1.7',
  what: 'the docker.service unit',
  canonical: '/lib/systemd/system/docker.service',
  path: (p) => p.dockerService,
  absent: `no docker.service unit file in ${SYSTEMD_DIRS.join(', ')}`,
});
