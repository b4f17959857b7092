import { auditRule } from './support/auditd-watch-rules.ts';

export default auditRule({
  id: 'host-audit-etc-docker',
  cis: '1.1.6',
  what: 'the Docker configuration directory',
  canonical: '/etc/docker',
  path: (p) => p.etcDocker,
  severity: 'medium',
});
