import { modeRule } from './support/file-rules.ts';

export default modeRule({
  id: 'host-containerd-sock-mode',
  cis: '3.24',
  title: 'containerd socket is more permissive than 0660',
  severity: 'high',
  rationale:
    "The containerd socket controls every container's runtime directly, under the Docker daemon's authorization. Access to it is root on this host.",
  remediation: '`chmod 660 /run/containerd/containerd.sock`',
  cwe: ['CWE-732'],
  files: (p) => [p.containerdSocket],
  max: 0o660,
  // Others connecting to the socket is root for every local user.
  severityOf: (excess) => (excess & 0o002 ? 'critical' : undefined),
});
