import { auditRule } from './support/auditd-watch-rules.ts';
import { BIN_DIRS } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-runc',
  cis: '1.1.18',
  what: 'the runc binary',
  canonical: '/usr/bin/runc',
  path: (p) => p.runc,
  absent: `runc is not installed in ${BIN_DIRS.join(', ')}`,
});
