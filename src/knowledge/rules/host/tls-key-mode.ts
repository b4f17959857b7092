import { modeRule } from './support/file-rules.ts';

export default modeRule({
  id: 'host-tls-key-mode',
  cis: '3.14',
  title: 'Docker server key is more permissive than 0400',
  severity: 'high',
  rationale:
    "The daemon's TLS private key proves its identity. Anyone who can read it can impersonate the daemon to clients and read their traffic, including secrets passed in requests.",
  remediation: "`chmod 400 <file>` for the file the daemon's `--tlskey` (daemon.json `tlskey`) names.",
  cwe: ['CWE-732'],
  files: (p) => [p.tlsKey],
  none: 'the daemon is not configured for TLS (no tlskey option)',
  max: 0o400,
});
