import { ownerRule } from './support/file-rules.ts';

export default ownerRule({
  id: 'host-tls-key-owner',
  cis: '3.13',
  title: 'Docker server key is not owned by root:root',
  severity: 'high',
  rationale:
    "The daemon's TLS private key proves its identity. Anyone who can read it can impersonate the daemon to clients and read their traffic, including secrets passed in requests.",
  remediation: "`chown root:root <file>` for the file the daemon's `--tlskey` (daemon.json `tlskey`) names.",
  cwe: ['CWE-282'],
  files: (p) => [p.tlsKey],
  none: 'the daemon is not configured for TLS (no tlskey option)',
  owner: 'root:root',
});
