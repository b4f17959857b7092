import { hostRule, notApplicable } from '../../../models/rule.ts';
import { REMOTE } from './support/file-rules.ts';
import { describeMount, mountHolding } from './support/mounts.ts';

export default hostRule({
  meta: {
    id: 'host-data-root-partition',
    target: 'host',
    title: "Docker's data root shares the root file system",
    severity: 'medium',
    cis: { id: '1.1.1', automated: true },
    peers: { dockerBench: '1.1.1' },
    rationale:
      'Images, containers and volumes grow with use. On the root file system they can fill it and stop the host (logging, package updates, sshd); on a file system of their own they can fill only that.',
    remediation:
      'Give the data root (`docker info -f {{.DockerRootDir}}`, usually /var/lib/docker) its own partition or logical volume: create it (e.g. `lvcreate -L 100G -n docker vg0 && mkfs.ext4 /dev/vg0/docker`), stop Docker, copy the data over, and mount it on the data root through /etc/fstab. A bind mount of a directory of the root disk does not count.',
    cwe: ['CWE-400'],
    urls: ['https://docs.docker.com/engine/daemon/#daemon-data-directory'],
  },
  check({ daemon, host }) {
    if (!host) return notApplicable(REMOTE);
    const dataRoot = daemon.info.dockerRootDir;
    if (!dataRoot) return notApplicable('the daemon did not report its data root');
    if (host.mounts.length === 0) throw new Error('the mount table could not be read');
    const holder = mountHolding(host.mounts, dataRoot);
    const rootMount = mountHolding(host.mounts, '/');
    if (!holder) throw new Error(`no mount holds ${dataRoot}`);
    if (holder.mountPoint === '/') {
      return [{ message: `${dataRoot} is on the root file system (${describeMount(holder)})`, at: { file: dataRoot }, evidence: describeMount(holder) }];
    }
    // A bind mount of a root-disk directory is a mount point (docker-bench passes it) but shares the root disk's space.
    if (rootMount && rootMount.mountPoint === '/' && holder.device === rootMount.device) {
      const where = holder.mountPoint === dataRoot ? `${dataRoot} is a mount` : `${dataRoot} is under ${holder.mountPoint}, a mount`;
      const of = holder.root === '/' ? 'of the root file system' : `of ${holder.root} on the root file system`;
      return [
        {
          message: `${where} ${of} (device ${holder.device}): it shares the root disk's space`,
          at: { file: dataRoot },
          evidence: `${describeMount(holder)}; / is ${describeMount(rootMount)}`,
        },
      ];
    }
    return [];
  },
});
