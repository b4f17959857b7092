import { auditRule } from './support/auditd-watch-rules.ts';
import { BIN_DIRS } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-dockerd',
  cis: '1.1.3',
  what: 'the dockerd binary',
  canonical: '/usr/bin/dockerd',
  path: (p) => p.dockerd,
  absent: `dockerd is not installed in ${BIN_DIRS.join(', ')}`,
  severity: 'medium',
});
