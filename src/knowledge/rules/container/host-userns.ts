import { hostNamespaceRule } from './support/namespace-rule.ts';

export default hostNamespaceRule({
  ns: 'userns', cis: '5.31', flag: '--userns', composeKey: 'userns_mode', severity: 'medium',
  title: "Container shares the host's user namespace",
  rationale: "`--userns=host` opts a container out of the daemon's user-namespace remapping, so root in it is root on the host again.",
  rootless:
    "not applicable (rootless daemon): the daemon's own user namespace is the one `--userns=host` shares, and in it root is the daemon's unprivileged user on the host",
});
