import { auditRule } from './support/auditd-watch-rules.ts';
import { BIN_DIRS } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-containerd-bin',
  cis: '1.1.14',
  what: 'the containerd binary',
  canonical: '/usr/bin/containerd',
  path: (p) => p.containerd,
  absent: `containerd is not installed in ${BIN_DIRS.join(', ')}`,
});
