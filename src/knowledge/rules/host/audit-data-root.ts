import { auditRule } from './support/auditd-watch-rules.ts';

export default auditRule({
  id: 'host-audit-data-root',
  cis: '1.1.5',
  what: 'the Docker data root',
  canonical: '/var/lib/docker',
  path: (p) => p.dataRoot,
});
