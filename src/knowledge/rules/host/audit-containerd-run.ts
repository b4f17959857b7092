import { auditRule } from './support/auditd-watch-rules.ts';

export default auditRule({
  id: 'host-audit-containerd-run',
  cis: '1.1.4',
  what: "containerd's runtime directory",
  canonical: '/run/containerd',
  path: (p) => p.containerdRun,
});
