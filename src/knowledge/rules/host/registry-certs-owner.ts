import { ownerRule } from './support/file-rules.ts';
import { certsDirOf } from '../../../models/host-paths.ts';

export default ownerRule({
  id: 'host-registry-certs-owner',
  cis: '3.7',
  title: 'Registry certificate is not owned by root:root',
  severity: 'medium',
  rationale:
    'Registry certificates decide which registries the daemon trusts for pulls and pushes. A replaced certificate lets an attacker impersonate a registry and serve tampered images.',
  remediation: '`chown root:root /etc/docker/certs.d/<registry>/*` for each registry directory.',
  cwe: ['CWE-282'],
  files: (p) => p.registryCerts,
  none: (f) => `no registry certificates under ${certsDirOf(f.daemon) ?? 'the rootless user\'s ~/.config/docker/certs.d'}`,
  owner: 'root:root',
});
