import { modeRule, writeByOthers } from './support/file-rules.ts';
import { certsDirOf } from '../../../models/host-paths.ts';

export default modeRule({
  id: 'host-registry-certs-mode',
  cis: '3.8',
  title: 'Registry certificate is more permissive than 0444',
  severity: 'medium',
  rationale:
    'Registry certificates decide which registries the daemon trusts for pulls and pushes. A replaced certificate lets an attacker impersonate a registry and serve tampered images.',
  remediation: '`chmod 444 /etc/docker/certs.d/<registry>/*` for each registry directory.',
  cwe: ['CWE-732'],
  files: (p) => p.registryCerts,
  none: (f) => `no registry certificates under ${certsDirOf(f.daemon) ?? 'the rootless user\'s ~/.config/docker/certs.d'}`,
  max: 0o444,
  severityOf: writeByOthers,
});
