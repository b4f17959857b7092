import { modeRule, writeByOthers } from './support/file-rules.ts';

export default modeRule({
  id: 'host-etc-docker-mode',
  cis: '3.6',
  title: '/etc/docker is more permissive than 0755',
  severity: 'medium',
  rationale:
    '/etc/docker holds daemon.json, TLS keys and registry certificates. Whoever can change it can reconfigure the daemon or swap its trust anchors.',
  remediation: '`chmod 755 /etc/docker`',
  cwe: ['CWE-732'],
  files: (p) => [p.etcDocker],
  max: 0o755,
  severityOf: writeByOthers,
});
