import { modeRule, writeByOthers } from './support/file-rules.ts';

export default modeRule({
  id: 'host-tls-cert-mode',
  cis: '3.12',
  title: 'Docker server certificate is more permissive than 0444',
  severity: 'low',
  rationale:
    "The daemon's TLS certificate identifies it to clients. A replaced certificate lets an attacker impersonate the daemon to its clients.",
  remediation: "`chmod 444 <file>` for the file the daemon's `--tlscert` (daemon.json `tlscert`) names.",
  cwe: ['CWE-732'],
  files: (p) => [p.tlsCert],
  none: 'the daemon is not configured for TLS (no tlscert option)',
  max: 0o444,
  severityOf: writeByOthers,
});
