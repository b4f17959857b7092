import { hostNamespaceRule } from './support/namespace-rule.ts';

export default hostNamespaceRule({
  ns: 'network', cis: '5.10', flag: '--network', composeKey: 'network_mode', severity: 'high',
  title: "Container shares the host's network namespace",
  rationale: "With the host network a container can bind any host port, reach services listening on the host's loopback and, with NET_ADMIN or NET_RAW, sniff or alter host traffic.",
});
