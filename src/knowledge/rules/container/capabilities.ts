import { containerRule, type Issue } from '../../../models/rule.ts';
import { DOCKER_DEFAULT_CAPS, effectiveCapabilities } from './support/capability-sets.ts';

export default containerRule({
  meta: {
    id: 'container-capabilities',
    target: 'container',
    title: "Container's capabilities are not restricted",
    severity: 'medium',
    cis: { id: '5.4', automated: true },
    peers: { dockerBench: '5.4' },
    rationale:
      "Root in a container holds Docker's default 14 capabilities unless they are dropped, NET_RAW (packet spoofing on the bridge) and DAC_OVERRIDE (ignore file permissions) among them; few workloads need any. The benchmark asks to drop them all and add back only what is used. Capabilities added beyond the default set are reported here, and rated one by one by container-dangerous-capabilities. Privileged containers have every capability; container-privileged reports them.",
    remediation:
      'Run with `--cap-drop ALL` and add back only what the workload uses, e.g. `--cap-add NET_BIND_SERVICE` (compose: `cap_drop: [ALL]`, `cap_add: [NET_BIND_SERVICE]`); remove `--cap-add` entries it does not need.',
    cwe: ['CWE-250'],
    urls: ['https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities'],
  },
  check({ container }) {
    if (container.privileged) return [];
    const effective = effectiveCapabilities(container);
    const out: Issue[] = [];
    const beyond = [...effective].filter((c) => !DOCKER_DEFAULT_CAPS.has(c)).sort();
    if (beyond.length) {
      const all = container.capAdd.includes('ALL');
      out.push({
        message: all ? `adds ALL capabilities (${beyond.length} beyond Docker's default set)` : `adds capabilities beyond Docker's default set: ${beyond.join(', ')}`,
        at: container.where.capAdd,
        evidence: `CapAdd: ${container.capAdd.join(', ')}`,
      });
    }
    const kept = [...effective].filter((c) => DOCKER_DEFAULT_CAPS.has(c) && !container.capAdd.includes(c)).sort();
    if (!container.capDrop.includes('ALL') && kept.length) {
      out.push({
        message: `does not drop ALL: keeps ${kept.length} of Docker's default capabilities (${kept.join(', ')})${kept.includes('NET_RAW') ? ', NET_RAW among them' : ''}`,
        at: container.where.capDrop,
        evidence: `CapDrop: ${container.capDrop.length ? container.capDrop.join(', ') : '(none)'}`,
        severity: 'low',
      });
    }
    return out;
  },
});
