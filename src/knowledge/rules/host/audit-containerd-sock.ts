import { auditRule } from './support/auditd-watch-rules.ts';

export default auditRule({
  id: 'host-audit-containerd-sock',
  cis: '1.1.8',
  what: 'the containerd socket',
  canonical: '/run/containerd/containerd.sock',
  path: (p) => p.containerdSocket,
});
