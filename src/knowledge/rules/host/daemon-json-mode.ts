import { modeRule, writeByOthers } from './support/file-rules.ts';

export default modeRule({
  id: 'host-daemon-json-mode',
  cis: '3.18',
  title: 'daemon.json is more permissive than 0644',
  severity: 'medium',
  rationale:
    "daemon.json sets the daemon's security options (user namespaces, authorization plugins, TLS, registries). Whoever can change it can weaken all of them at the next restart.",
  remediation: '`chmod 644 /etc/docker/daemon.json` (or the file `--config-file` names).',
  cwe: ['CWE-732'],
  files: (p) => [p.daemonJson],
  max: 0o644,
  severityOf: writeByOthers,
});
