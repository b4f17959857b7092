import { auditRule } from './support/auditd-watch-rules.ts';
import { BIN_DIRS } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-containerd-shim',
  cis: '1.1.15',
  what: 'the containerd-shim binary',
  canonical: '/usr/bin/containerd-shim',
  path: (p) => p.containerdShim,
  absent: `containerd-shim is not installed in ${BIN_DIRS.join(', ')}`,
});
