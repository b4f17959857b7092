import { ownerRule } from './support/file-rules.ts';

export default ownerRule({
  id: 'host-daemon-json-owner',
  cis: '3.17',
  title: 'daemon.json is not owned by root:root',
  severity: 'medium',
  rationale:
    "daemon.json sets the daemon's security options (user namespaces, authorization plugins, TLS, registries). Whoever can change it can weaken all of them at the next restart.",
  remediation: '`chown root:root /etc/docker/daemon.json` (or the file `--config-file` names).',
  cwe: ['CWE-282'],
  files: (p) => [p.daemonJson],
  owner: 'root:root',
});
