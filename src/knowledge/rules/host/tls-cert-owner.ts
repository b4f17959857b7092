import { ownerRule } from './support/file-rules.ts';

export default ownerRule({
  id: 'host-tls-cert-owner',
  cis: '3.11',
  title: 'Docker server certificate is not owned by root:root',
  severity: 'medium',
  rationale:
    "The daemon's TLS certificate identifies it to clients. A replaced certificate lets an attacker impersonate the daemon to its clients.",
  remediation: "`chown root:root <file>` for the file the daemon's `--tlscert` (daemon.json `tlscert`) names.",
  cwe: ['CWE-282'],
  files: (p) => [p.tlsCert],
  none: 'the daemon is not configured for TLS (no tlscert option)',
  owner: 'root:root',
});
