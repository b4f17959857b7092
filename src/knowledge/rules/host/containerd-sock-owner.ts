import { ownerRule } from './support/file-rules.ts';

export default ownerRule({
  id: 'host-containerd-sock-owner',
  cis: '3.23',
  title: 'containerd socket is not owned by root:root',
  severity: 'high',
  rationale:
    "The containerd socket controls every container's runtime directly, under the Docker daemon's authorization. Access to it is root on this host.",
  remediation: "`chown root:root /run/containerd/containerd.sock` (containerd's `[grpc] uid`/`gid` in /etc/containerd/config.toml keeps it across restarts).",
  cwe: ['CWE-282'],
  files: (p) => [p.containerdSocket],
  owner: 'root:root',
});
