import { ownerRule } from './support/file-rules.ts';
import { serviceUnitDirs } from '../../../models/host-paths.ts';

export default ownerRule({
  id: 'host-docker-service-owner',
  cis: '3.1',
  title: 'docker.service is not owned by root:root',
  severity: 'medium',
  rationale:
    'The docker.service unit decides how dockerd starts: its command line, environment and socket. Whoever can change it can make the daemon run anything as root at the next start.',
  remediation: 'Find the unit with `systemctl show -p FragmentPath docker.service`, then `chown root:root` it (usually `chown root:root /lib/systemd/system/docker.service`).',
  cwe: ['CWE-282'],
  files: (p) => [p.dockerService],
  absent: (f) => `no docker.service unit file in ${serviceUnitDirs(f.daemon).join(', ')}`,
  owner: 'root:root',
});
