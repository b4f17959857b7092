import { daemonRule } from '../../../models/rule.ts';
import { optionOrInfoAt } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-aufs',
    target: 'daemon',
    title: 'Docker daemon uses the aufs storage driver',
    severity: 'medium',
    cis: { id: '2.6', automated: true },
    peers: { dockerBench: '2.6' },
    rationale:
      'aufs is an out-of-tree file system that mainline kernels no longer carry and Docker removed in 24.0; it is known to cause kernel crashes and gets no security fixes.',
    remediation: 'Switch to `overlay2`: set `"storage-driver": "overlay2"` in daemon.json (or `--storage-driver=overlay2`); images and containers must be re-pulled or migrated.',
    urls: ['https://docs.docker.com/engine/storage/drivers/select-storage-driver/'],
  },
  check({ daemon }) {
    if (daemon.info.storageDriver !== 'aufs') return [];
    return [{ message: 'the storage driver is aufs', at: optionOrInfoAt(daemon, 'storage-driver', 'Driver'), evidence: `Driver: ${daemon.info.storageDriver}` }];
  },
});
