import { containerRule } from '../../../models/rule.ts';
import { deviceName } from './support/devices.ts';
import { engineSocketsIn, isEngineSocketFile, socketList } from './support/engine-socket.ts';

export default containerRule({
  meta: {
    id: 'container-docker-socket',
    target: 'container',
    title: 'Container has the Docker (or another engine) socket mounted',
    severity: 'high',
    cis: { id: '5.32', automated: true },
    peers: { dockerBench: '5.32' },
    rationale: 'Whoever can talk to the engine socket can start a privileged container with the host root mounted: the socket is root on the host, read-only bind or not (a read-only mount still allows connecting). A bind of a directory above a socket gives the socket too (`-v /:/host:ro` holds /var/run/docker.sock; the exec-root\'s `containerd/` holds containerd\'s): the engines\' default socket paths count everywhere, and where Moat can look at the daemon\'s host (enforce, audit of a local engine) every socket an engine or containerd listens on, under any name or hard link.',
    remediation: 'Remove the `-v /var/run/docker.sock:...` (compose: `volumes:`) mount; if a tool must see the engine, give it a filtering proxy that allows only the read-only calls it needs.',
    cwe: ['CWE-250'],
  },
  check({ container }) {
    return container.mounts.flatMap((m) => {
      const sockets = engineSocketsIn(m);
      if (!sockets.length) return [];
      const ro = m.readOnly ? ' (read-only, which does not stop API calls)' : '';
      const holds = isEngineSocketFile(m) ? (sockets.includes(deviceName(m.source)) ? '' : `, which is the engine socket ${socketList(sockets)}`) : `, which holds the engine socket${sockets.length > 1 ? 's' : ''} ${socketList(sockets)}`;
      return [{
        message: `${m.source} is mounted at ${m.target}${ro}${holds}${m.derivedFrom ? ` (${m.derivedFrom})` : ''}`,
        at: m.at ?? container.where.mounts,
        evidence: `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`,
        severity: 'critical' as const,
      }];
    });
  },
});
