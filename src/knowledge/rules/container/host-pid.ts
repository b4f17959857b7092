import { hostNamespaceRule } from './support/namespace-rule.ts';

export default hostNamespaceRule({
  ns: 'pid', cis: '5.16', flag: '--pid', composeKey: 'pid', severity: 'high',
  title: "Container shares the host's process namespace",
  rationale: 'With the host PID namespace a container sees every host process and, with enough privilege, can signal, trace or enter them (nsenter -t 1).',
});
