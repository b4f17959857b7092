import { ownerRule } from './support/file-rules.ts';

export default ownerRule({
  id: 'host-tls-ca-owner',
  cis: '3.9',
  title: 'TLS CA certificate is not owned by root:root',
  severity: 'high',
  rationale:
    'The TLS CA certificate decides which clients may control the daemon over TCP. Whoever can replace it can mint a client certificate and take control of the daemon, which is root on this host.',
  remediation: "`chown root:root <file>` for the file the daemon's `--tlscacert` (daemon.json `tlscacert`) names.",
  cwe: ['CWE-282'],
  files: (p) => [p.tlsCaCert],
  none: 'the daemon is not configured for TLS (no tlscacert option)',
  owner: 'root:root',
});
