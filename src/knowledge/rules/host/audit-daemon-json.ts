import { auditRule } from './support/auditd-watch-rules.ts';

export default auditRule({
  id: 'host-audit-daemon-json',
  cis: '1.1.11',
  what: 'daemon.json',
  canonical: '/etc/docker/daemon.json',
  path: (p) => p.daemonJson,
  severity: 'medium',
});
