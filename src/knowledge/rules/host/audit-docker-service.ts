import { auditRule } from './support/auditd-watch-rules.ts';
import { serviceUnitDirs } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-docker-service',
  cis: '1.1.7',
  what: 'the docker.service unit',
  canonical: '/lib/systemd/system/docker.service',
  path: (p) => p.dockerService,
  absent: (f) => `no docker.service unit file in ${serviceUnitDirs(f.daemon).join(', ')}`,
});
