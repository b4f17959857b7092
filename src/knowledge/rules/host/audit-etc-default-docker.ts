import { auditRule } from './support/audit-rules.ts';

export default auditRule({
  id: 'host-audit-etc-default-docker',
  cis: '1.1.10',
  what: '/etc/default/docker',
  canonical: '/etc/default/docker',
  path: (p) => p.etcDefaultDocker,
});
