import { auditRule } from './support/auditd-watch-rules.ts';
import { ROOTLESS_NO_CONTAINERD_CONFIG } from './support/file-rules.ts';

export default auditRule({
  id: 'host-audit-containerd-config',
  cis: '1.1.12',
  what: "containerd's configuration",
  canonical: '/etc/containerd/config.toml',
  path: (p) => p.containerdConfig,
  rootless: ROOTLESS_NO_CONTAINERD_CONFIG,
});
