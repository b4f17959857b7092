import { hostNamespaceRule } from './support/namespace-rule.ts';

export default hostNamespaceRule({
  ns: 'ipc', cis: '5.17', flag: '--ipc', composeKey: 'ipc', severity: 'high',
  title: "Container shares the host's IPC namespace",
  rationale: "With the host IPC namespace a container can read and alter the host's shared memory segments, semaphores and message queues.",
});
