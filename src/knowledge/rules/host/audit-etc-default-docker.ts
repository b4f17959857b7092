import { auditRule } from './support/auditd-watch-rules.ts';
import { ROOTLESS_NO_INIT_FILE } from './support/file-rules.ts';

export default auditRule({
  id: 'host-audit-etc-default-docker',
  cis: '1.1.10',
  what: '/etc/default/docker',
  canonical: '/etc/default/docker',
  path: (p) => p.etcDefaultDocker,
  rootless: ROOTLESS_NO_INIT_FILE,
});
