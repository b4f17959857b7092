import { modeRule, writeByOthers, ROOTLESS_NO_INIT_FILE } from './support/file-rules.ts';

export default modeRule({
  id: 'host-etc-sysconfig-docker-mode',
  cis: '3.21',
  title: '/etc/sysconfig/docker is more permissive than 0644',
  severity: 'medium',
  rationale:
    "/etc/sysconfig/docker holds dockerd's start options on some distributions. Whoever can change it can make the daemon run with any option, as root, at the next start.",
  remediation: '`chmod 644 /etc/sysconfig/docker`',
  cwe: ['CWE-732'],
  files: (p) => [p.etcSysconfigDocker],
  max: 0o644,
  severityOf: writeByOthers,
  rootless: ROOTLESS_NO_INIT_FILE,
});
