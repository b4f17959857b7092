import { ownerRule } from './support/file-rules.ts';

export default ownerRule({
  id: 'host-etc-docker-owner',
  cis: '3.5',
  title: '/etc/docker is not owned by root:root',
  severity: 'medium',
  rationale:
    '/etc/docker holds daemon.json, TLS keys and registry certificates. Whoever can change it can reconfigure the daemon or swap its trust anchors.',
  remediation: '`chown root:root /etc/docker`',
  cwe: ['CWE-282'],
  files: (p) => [p.etcDocker],
  owner: 'root:root',
});
