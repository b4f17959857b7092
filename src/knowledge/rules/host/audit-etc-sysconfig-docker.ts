import { auditRule } from './support/auditd-watch-rules.ts';
import { ROOTLESS_NO_INIT_FILE } from './support/file-rules.ts';

export default auditRule({
  id: 'host-audit-etc-sysconfig-docker',
  cis: '1.1.13',
  what: '/etc/sysconfig/docker',
  canonical: '/etc/sysconfig/docker',
  path: (p) => p.etcSysconfigDocker,
  rootless: ROOTLESS_NO_INIT_FILE,
});
