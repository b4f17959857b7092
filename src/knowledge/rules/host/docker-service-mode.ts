import { modeRule, writeByOthers } from './support/file-rules.ts';
import { serviceUnitDirs } from '../../../models/host-paths.ts';

export default modeRule({
  id: 'host-docker-service-mode',
  cis: '3.2',
  title: 'docker.service is more permissive than 0644',
  severity: 'medium',
  rationale:
    'The docker.service unit decides how dockerd starts: its command line, environment and socket. Whoever can change it can make the daemon run anything as root at the next start.',
  remediation: 'Find the unit with `systemctl show -p FragmentPath docker.service`, then `chmod 644` it (usually `chmod 644 /lib/systemd/system/docker.service`).',
  cwe: ['CWE-732'],
  files: (p) => [p.dockerService],
  absent: (f) => `no docker.service unit file in ${serviceUnitDirs(f.daemon).join(', ')}`,
  max: 0o644,
  severityOf: writeByOthers,
});
