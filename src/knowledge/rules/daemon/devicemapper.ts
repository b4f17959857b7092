import { daemonRule } from '../../../models/rule.ts';
import { optionOrInfoAt } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-devicemapper',
    target: 'daemon',
    title: 'Docker daemon uses the devicemapper storage driver',
    severity: 'medium',
    // New in v1.8.0, which renumbered the old 2.7-2.18 after it; earlier versions have no such recommendation.
    cis: { id: '2.7', automated: true, ids: { 'cis-1.6.0': null, 'cis-1.7.0': null } },
    rationale:
      'devicemapper was deprecated in Docker 18.09 and removed in Engine 25: it gets no fixes, its loop-lvm default is unfit for production, and a daemon that still uses it cannot be upgraded to a supported engine without migrating its images and containers.',
    remediation: 'Switch to `overlay2`: set `"storage-driver": "overlay2"` in daemon.json (or `--storage-driver=overlay2`) and drop any `dm.*` storage options; images and containers must be re-pulled or migrated.',
    urls: ['https://docs.docker.com/engine/deprecated/#device-mapper-storage-driver', 'https://docs.docker.com/engine/storage/drivers/select-storage-driver/'],
  },
  check({ daemon }) {
    if (daemon.info.storageDriver !== 'devicemapper') return [];
    return [{ message: 'the storage driver is devicemapper, which Docker Engine 25 removed', at: optionOrInfoAt(daemon, 'storage-driver', 'Driver'), evidence: `Driver: ${daemon.info.storageDriver}` }];
  },
});
