import { optionOf, stringValue } from '../daemon/support/options.ts';
import { containerRule, type Issue } from '../../../models/rule.ts';
import { describePort, onAllInterfaces } from './support/ports.ts';
import { effectiveHostIp, memberOf } from './support/reach.ts';

/** Ports of databases and administration services: what an attacker scans for first. */
export const ADMIN_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'], [23, 'Telnet'], [1433, 'SQL Server'], [1521, 'Oracle'], [2375, 'Docker Engine API (plain HTTP)'], [2376, 'Docker Engine API (TLS)'], [2377, 'Docker swarm management'],
  [2379, 'etcd'], [3306, 'MySQL/MariaDB'], [3389, 'RDP'], [5432, 'PostgreSQL'], [5672, 'RabbitMQ'], [5900, 'VNC'], [5984, 'CouchDB'], [6379, 'Redis'],
  [8086, 'InfluxDB'], [9042, 'Cassandra'], [9200, 'Elasticsearch'], [9300, 'Elasticsearch transport'], [10250, 'kubelet'], [11211, 'memcached'], [15672, 'RabbitMQ management'], [27017, 'MongoDB'],
]);

export default containerRule({
  meta: {
    id: 'container-admin-port-exposed',
    target: 'container',
    title: 'Database or administration port published on all interfaces',
    severity: 'high',
    rationale:
      "Databases, caches, search engines, SSH and the Engine API are the services scanners look for first, and many of them answer without a password by default (Redis, Elasticsearch, MongoDB before 3.6, the Engine API on 2375). Published without a host address they listen on every interface, and Docker's iptables rules bypass host firewalls such as ufw. Moat judges the container port, the one the service listens on, against a list of well-known ports.",
    remediation:
      'Do not publish the port at all when only other containers use it (they reach it over a shared network); otherwise bind it to loopback or a private address: `-p 127.0.0.1:5432:5432` (compose: `ports: ["127.0.0.1:5432:5432"]`).',
    cwe: ['CWE-668', 'CWE-306'],
  },
  check(facts) {
    const { container, daemon } = facts;
    const member = memberOf(facts);
    const daemonIp = daemon ? (stringValue(optionOf(daemon, 'ip')) ?? '') : '';
    const out: Issue[] = [];
    for (const p of container.ports) {
      const service = ADMIN_PORTS.get(p.containerPort);
      if (!service || p.protocol !== 'tcp') continue;
      const hostIp = member && facts.network ? effectiveHostIp(p, container, facts.network) : p.hostIp || daemonIp;
      if (!onAllInterfaces(hostIp)) continue;
      const shown = describePort({ ...p, hostIp });
      out.push({ message: `publishes ${service} (${shown}) on all interfaces`, at: p.at ?? container.where.ports, evidence: shown });
    }
    return out;
  },
});
