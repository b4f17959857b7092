import { auditRule } from './support/auditd-watch-rules.ts';
import { DEFAULT_DOCKER_SOCKET } from '../../../models/host-paths.ts';

export default auditRule({
  id: 'host-audit-docker-sock',
  // v1.7.0 and later; v1.6.0's 1.1.9 watched the docker.socket unit (host-audit-docker-socket).
  cis: '1.1.9',
  cisIds: { 'cis-1.6.0': null },
  dockerBench: null,
  what: 'the Docker socket',
  canonical: DEFAULT_DOCKER_SOCKET,
  // The first unix socket the daemon listens on (the default one when it names none).
  path: (p) => p.dockerSockets[0],
  absent: 'the daemon listens on no unix socket',
});
