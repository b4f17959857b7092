import { auditRule } from './support/auditd-watch-rules.ts';
import { BIN_DIRS } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-containerd-shim-runc-v2',
  cis: '1.1.17',
  what: 'the containerd-shim-runc-v2 binary',
  canonical: '/usr/bin/containerd-shim-runc-v2',
  path: (p) => p.containerdShimRuncV2,
  absent: `containerd-shim-runc-v2 is not installed in ${BIN_DIRS.join(', ')}`,
});
