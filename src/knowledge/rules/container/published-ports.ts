import { containerRule, type Issue } from '../../../models/rule.ts';
import { describeMapping, portMappings } from './support/ports.ts';

export default containerRule({
  meta: {
    id: 'container-published-ports',
    target: 'container',
    title: 'Ports published by the container need confirming',
    severity: 'info',
    cis: { id: '5.9', automated: false },
    peers: { dockerBench: '5.9' },
    rationale:
      'Every published port is a way in from outside the host. Only a person knows which ones the workload needs, so Moat lists what each container publishes for review (info) and passes containers that publish nothing. `-P` (publish all) is reported as a problem: it publishes whatever the image EXPOSEs, on every interface, on ports nobody chose, including ports a later image version adds.',
    remediation:
      'Publish only what is needed, each port named and bound to one interface: `-p 127.0.0.1:8080:80` (compose: `ports: ["127.0.0.1:8080:80"]`); remove `-P`/`--publish-all` (compose has no such key, but a bare `ports: ["80"]` likewise picks an ephemeral host port on every interface).',
    cwe: ['CWE-1327'],
  },
  check({ container }) {
    const out: Issue[] = [];
    if (container.publishAllPorts) {
      out.push({ message: 'publishes every exposed port (-P) on ephemeral host ports on all interfaces', at: container.where.publishAllPorts, evidence: 'PublishAllPorts: true', severity: 'low' });
    }
    if (container.ports.length) {
      const list = portMappings(container.ports).map(describeMapping);
      out.push({ message: `publishes ${list.join(', ')}: confirm each is needed`, at: container.where.ports, evidence: list.join(', ') });
    }
    return out;
  },
});
