import { daemonRule, notApplicable } from '../../../models/rule.ts';
import { NO_CGROUPS, evidenceOf, optionOf, remote, stringValue } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-cgroup-parent',
    target: 'daemon',
    title: 'Default cgroup parent for containers is changed',
    severity: 'low',
    cis: { id: '2.10', automated: true, ids: { 'cis-1.8.0': '2.11' } },
    peers: { dockerBench: '2.10' },
    rationale:
      'The cgroup parent decides which resource limits and accounting apply to every container. The default is sound; a changed parent can put containers under limits that are too loose (or too tight), so it must be a deliberate choice.',
    remediation: 'Remove `cgroup-parent` from daemon.json and `--cgroup-parent` from the dockerd command line unless the change is intended, and then record why.',
    urls: ['https://docs.docker.com/reference/cli/dockerd/#default-cgroup-parent'],
  },
  check({ daemon }) {
    if (daemon.info.cgroupDriver === 'none') return notApplicable(NO_CGROUPS);
    if (!daemon.local) return remote();
    const o = optionOf(daemon, 'cgroup-parent');
    const parent = stringValue(o);
    if (!o || parent === undefined) return [];
    return [{ message: `cgroup-parent is ${JSON.stringify(parent)}: confirm containers are meant to run under this cgroup and its limits`, at: o.at, evidence: evidenceOf(o) }];
  },
});
