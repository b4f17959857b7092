import { containerRule } from '../../../models/rule.ts';
import { describeMapping, portMappings } from './support/ports.ts';

export default containerRule({
  meta: {
    id: 'container-privileged-ports',
    target: 'container',
    title: 'Container publishes a privileged host port',
    severity: 'low',
    cis: { id: '5.8', automated: true },
    peers: { dockerBench: '5.8' },
    rationale:
      "Host ports below 1024 are reserved for the host's own services, which clients and firewall rules trust as such; the engine (running as root) binds them for any container that asks. A container should publish a port of 1024 or above and leave the low ports to the host. docker-bench also flags port 1024 (it tests `< 1025`); Moat follows the kernel's definition (below 1024).",
    remediation: 'Publish on a host port of 1024 or above: `-p 127.0.0.1:8080:80` instead of `-p 80:80` (compose: `ports: ["127.0.0.1:8080:80"]`); put a reverse proxy on the host in front if clients must use port 80 or 443.',
    cwe: ['CWE-284'],
  },
  check({ container }) {
    return portMappings(container.ports.filter((p) => p.hostPort !== undefined && p.hostPort > 0 && p.hostPort < 1024)).map((m) => ({
      message: m.count === 1 ? `publishes privileged host port ${m.first.hostPort} (${describeMapping(m)})` : `publishes privileged host ports ${m.first.hostPort}-${m.last.hostPort} (${describeMapping(m)})`,
      at: m.first.at ?? container.where.ports,
      evidence: describeMapping(m),
    }));
  },
});
