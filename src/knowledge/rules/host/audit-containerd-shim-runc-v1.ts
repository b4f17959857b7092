import { auditRule } from './support/auditd-watch-rules.ts';
import { BIN_DIRS } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-containerd-shim-runc-v1',
  cis: '1.1.16',
  what: 'the containerd-shim-runc-v1 binary',
  canonical: '/usr/bin/containerd-shim-runc-v1',
  path: (p) => p.containerdShimRuncV1,
  absent: `containerd-shim-runc-v1 is not installed in ${BIN_DIRS.join(', ')}`,
});
