import { containerRule } from '../rule.ts';

/** Engine sockets, and the run directories that hold them (mounting the directory exposes the socket too). */
const SOCKETS = /(^|\/)(docker|containerd|podman|crio|dockershim)\.sock$/;
const SOCKET_DIRS = new Set(['/run', '/var/run', '/run/docker', '/var/run/docker', '/run/containerd', '/var/run/containerd']);

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
      .filter((m) => m.type === 'bind' && (SOCKETS.test(m.source) || SOCKET_DIRS.has(m.source.replace(/\/+$/, ''))))
      .map((m) => ({
        message: `${m.source} is mounted at ${m.target}${m.readOnly ? ' (read-only, which does not stop API calls)' : ''}`,
        at: m.at ?? container.where.mounts,
        evidence: `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`,
        severity: 'critical' as const,
      }));
  },
});
