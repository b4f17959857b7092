import { daemonRule } from '../../../models/rule.ts';
import { evidenceOf, listValue, optionOf, remote } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-base-device-size',
    target: 'daemon',
    title: 'Base device size of the devicemapper driver is changed',
    severity: 'low',
    cis: { id: '2.11', automated: true, ids: { 'cis-1.8.0': '2.12' } },
    peers: { dockerBench: '2.11' },
    rationale:
      'Raising `dm.basesize` lets every container file system grow larger, so one container can fill the thin pool and deny service to the others and to the host.',
    remediation: 'Remove `dm.basesize` from `storage-opts` in daemon.json and from `--storage-opt` on the dockerd command line unless a workload needs it.',
    cwe: ['CWE-770'],
    urls: ['https://docs.docker.com/reference/cli/dockerd/#devicemapper-options'],
  },
  check({ daemon }) {
    if (!daemon.local) return remote();
    const o = optionOf(daemon, 'storage-opts');
    if (!o) return [];
    return listValue(o)
      .filter((s) => /^\s*dm\.basesize\s*=/i.test(s))
      .map((s) => ({ message: `storage option ${s} changes the base device size of every container`, at: o.at, evidence: evidenceOf(o) }));
  },
});
