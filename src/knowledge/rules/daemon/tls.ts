import type { Severity } from '../../../models/finding.ts';
import { daemonRule, type Issue } from '../../../models/rule.ts';
import { boolValue, listValue, optionOf, remote, stringValue } from './support/options.ts';

/**
 * Whether a `hosts` entry listens on TCP. dockerd reads an address without a scheme
 * (`:2375`, `0.0.0.0:2375`) as tcp://; unix://, fd:// and npipe:// are local.
 */
export function isTcpHost(h: string): boolean {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(h.trim());
  if (!m) return h.trim() !== '';
  return !['unix', 'fd', 'npipe'].includes((m[1] ?? '').toLowerCase());
}

/** Listening only on loopback: reachable by local processes and host-network containers, not by the network. */
function isLoopback(h: string): boolean {
  const hostPart = h.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const host = hostPart.startsWith('[') ? hostPart.slice(1, hostPart.indexOf(']')) : hostPart.replace(/:\d*$/, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export default daemonRule({
  meta: {
    id: 'daemon-tls',
    target: 'daemon',
    title: 'Docker daemon listens on TCP without TLS client authentication',
    severity: 'high',
    cis: { id: '2.7', automated: true, ids: { 'cis-1.8.0': '2.8' } },
    peers: { dockerBench: '2.7' },
    rationale:
      'Whoever can talk to the Docker API controls the daemon, which is root on the host. On a TCP socket only TLS with client-certificate verification (tlsverify) limits that to holders of a certificate signed by the CA you choose; TLS without verification only encrypts.',
    remediation:
      'For every tcp:// entry in `hosts` (`-H`, `--host`), set `"tlsverify": true` with `"tlscacert"`, `"tlscert"` and `"tlskey"` in daemon.json (`--tlsverify --tlscacert=ca.pem --tlscert=server-cert.pem --tlskey=server-key.pem`), or stop listening on TCP and use the unix socket or SSH (`DOCKER_HOST=ssh://...`).',
    cwe: ['CWE-306', 'CWE-319'],
    urls: ['https://docs.docker.com/engine/security/protect-access/'],
  },
  check({ daemon }) {
    if (!daemon.local) return remote();
    const hosts = optionOf(daemon, 'hosts');
    const tcp = listValue(hosts).filter(isTcpHost);
    if (!hosts || tcp.length === 0) return [];
    const verify = boolValue(optionOf(daemon, 'tlsverify')) === true;
    // dockerd turns TLS on whenever tlsverify is on.
    const tls = verify || boolValue(optionOf(daemon, 'tls')) === true;
    const missing = ['tlscacert', 'tlscert', 'tlskey'].filter((k) => stringValue(optionOf(daemon, k)) === undefined);
    const evidence = `hosts: ${JSON.stringify(listValue(hosts))}; tls: ${tls}; tlsverify: ${verify}${missing.length ? `; not set: ${missing.join(', ')}` : ''}`;
    const issues: Issue[] = [];
    for (const h of tcp) {
      const exposure: Severity = isLoopback(h) ? 'high' : 'critical';
      if (!tls) {
        issues.push({ message: `dockerd listens on ${h} without TLS: anyone who reaches the port controls the daemon, and through it the host`, at: hosts.at, evidence, severity: exposure });
      } else if (!verify) {
        issues.push({
          message: `dockerd listens on ${h} with TLS but without client certificate verification (tlsverify): the traffic is encrypted, yet anyone who reaches the port controls the daemon`,
          at: hosts.at,
          evidence,
          severity: exposure,
        });
      } else if (missing.length > 0) {
        issues.push({
          message: `dockerd listens on ${h} with tlsverify but ${missing.join(', ')} not set: it falls back to files under ~/.docker of the user it runs as; name the CA, certificate and key explicitly`,
          at: hosts.at,
          evidence,
        });
      }
    }
    return issues;
  },
});
