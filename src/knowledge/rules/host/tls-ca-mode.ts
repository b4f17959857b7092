import { modeRule, writeByOthers } from './support/file-rules.ts';

export default modeRule({
  id: 'host-tls-ca-mode',
  cis: '3.10',
  title: 'TLS CA certificate is more permissive than 0444',
  severity: 'medium',
  rationale:
    'The TLS CA certificate decides which clients may control the daemon over TCP. Whoever can replace it can mint a client certificate and take control of the daemon, which is root on this host.',
  remediation: "`chmod 444 <file>` for the file the daemon's `--tlscacert` (daemon.json `tlscacert`) names.",
  cwe: ['CWE-732'],
  files: (p) => [p.tlsCaCert],
  none: 'the daemon is not configured for TLS (no tlscacert option)',
  max: 0o444,
  severityOf: writeByOthers,
});
