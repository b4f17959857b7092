import { ownerRule, ROOTLESS_NO_INIT_FILE } from './support/file-rules.ts';

export default ownerRule({
  id: 'host-etc-default-docker-owner',
  cis: '3.19',
  title: '/etc/default/docker is not owned by root:root',
  severity: 'medium',
  rationale:
    "/etc/default/docker holds dockerd's start options on some distributions. Whoever can change it can make the daemon run with any option, as root, at the next start.",
  remediation: '`chown root:root /etc/default/docker`',
  cwe: ['CWE-282'],
  files: (p) => [p.etcDefaultDocker],
  owner: 'root:root',
  rootless: ROOTLESS_NO_INIT_FILE,
});
