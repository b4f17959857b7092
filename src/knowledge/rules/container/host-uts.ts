import { hostNamespaceRule } from './support/namespace-rule.ts';

export default hostNamespaceRule({
  ns: 'uts', cis: '5.21', flag: '--uts', composeKey: 'uts', severity: 'medium',
  title: "Container shares the host's UTS namespace",
  rationale: "With the host UTS namespace a container can change the host's hostname and domain name.",
});
