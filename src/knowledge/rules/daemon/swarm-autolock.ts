import { daemonRule } from '../../../models/rule.ts';
import { infoAt } from './support/options.ts';
import { isNa, managerView } from './support/swarm.ts';

export default daemonRule({
  meta: {
    id: 'daemon-swarm-autolock',
    target: 'daemon',
    title: 'Swarm auto-lock is off',
    severity: 'medium',
    cis: { id: '7.6', automated: true },
    rationale:
      'Without auto-lock the key that decrypts the raft log (with every secret in it) and the managers\' TLS keys sit on each manager\'s disk: whoever copies /var/lib/docker/swarm has the swarm\'s secrets.',
    remediation: 'Turn it on with `docker swarm update --autolock=true` (or `docker swarm init --autolock`), and keep the unlock key out of the managers.',
    urls: ['https://docs.docker.com/engine/swarm/swarm_manager_locking/'],
  },
  check({ daemon }) {
    const s = managerView(daemon);
    if (isNa(s)) return s;
    if (s.autoLock) return [];
    return [{ message: 'swarm auto-lock is off: the raft encryption key is stored on the managers\' disks; run `docker swarm update --autolock=true`', at: infoAt('Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers'), evidence: 'AutoLockManagers: false' }];
  },
});
