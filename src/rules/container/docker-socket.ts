import { containerRule } from '../rule.ts';
import { isEngineSocketMount } from './support/engine-socket.ts';

export default containerRule({
  meta: {
    id: 'container-docker-socket',
    target: 'container',
    title: 'Container has the Docker (or another engine) socket mounted',
    severity: 'high',
    cis: { id: '5.32', automated: true },
    peers: { dockerBench: '5.32' },
    rationale: 'Whoever can talk to the engine socket can start a privileged container with the host root mounted: the socket is root on the host, read-only bind or not (a read-only mount still allows connecting).',
    remediation: 'Remove the `-v /var/run/docker.sock:...` (compose: `volumes:`) mount; if a tool must see the engine, give it a filtering proxy that allows only the read-only calls it needs.',
    cwe: ['CWE-250'],
  },
  check({ container }) {
    return container.mounts
      .filter(isEngineSocketMount)
      .map((m) => ({
        message: `${m.source} is mounted at ${m.target}${m.readOnly ? ' (read-only, which does not stop API calls)' : ''}`,
        at: m.at ?? container.where.mounts,
        evidence: `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`,
        severity: 'critical' as const,
      }));
  },
});
