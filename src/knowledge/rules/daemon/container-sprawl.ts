import { daemonRule, notApplicable } from '../../../models/rule.ts';

export default daemonRule({
  meta: {
    id: 'daemon-container-sprawl',
    target: 'daemon',
    title: 'Stopped containers pile up on the host',
    severity: 'low',
    cis: { id: '6.2', automated: false },
    peers: { dockerBench: '6.2' },
    rationale:
      'Stopped containers keep their writable layers, logs and configuration (secrets in environment variables among them) on the host and can be started again; many of them hide the few that matter and fill the disk.',
    remediation: 'Remove containers that are no longer needed (`docker container prune`, or `docker rm NAME`), start short-lived ones with `--rm`, and set `sprawl.maxStoppedContainers` in moat.yaml to the number you accept.',
    needs: ['sprawl'],
  },
  check({ sprawl, sprawlLimits }) {
    if (!sprawl) return notApplicable('the container list was not read');
    const evidence = `${sprawl.stoppedContainers} of ${sprawl.containers} containers are not running`;
    const max = sprawlLimits?.maxStoppedContainers;
    if (max === undefined) return [{ message: `${evidence}: review them (set sprawl.maxStoppedContainers in moat.yaml to judge automatically)`, evidence, severity: 'info' }];
    if (sprawl.stoppedContainers <= max) return [];
    return [{ message: `${evidence}, more than sprawl.maxStoppedContainers (${max})`, evidence, at: { path: '/containers/json?all=1' } }];
  },
});
