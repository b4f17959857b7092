import { daemonRule } from '../../../models/rule.ts';
import { infoAt } from './support/options.ts';
import { isNa, managerView } from './support/swarm.ts';

export default daemonRule({
  meta: {
    id: 'daemon-swarm-autolock-rotation',
    target: 'daemon',
    title: 'Swarm unlock key rotation is not verifiable',
    severity: 'info',
    manual: true,
    cis: { id: '7.7', automated: false },
    rationale:
      'The unlock key decrypts the managers\' raft key; one that never changes stays valid for anyone who ever saw it. The engine records no date for it, so only the operator can tell when it was last rotated.',
    remediation: 'Rotate the unlock key on a schedule and whenever someone who knew it leaves: `docker swarm unlock-key --rotate`, then store the new key safely.',
    urls: ['https://docs.docker.com/engine/swarm/swarm_manager_locking/#rotate-the-unlock-key'],
  },
  check({ daemon }) {
    const s = managerView(daemon);
    if (isNa(s)) return s;
    // Without auto-lock there is no unlock key to rotate: 7.6 reports that.
    if (!s.autoLock) return { notApplicable: 'swarm auto-lock is off, so there is no unlock key (see daemon-swarm-autolock)' };
    return [{ message: 'auto-lock is on: confirm the unlock key is rotated on a schedule (`docker swarm unlock-key --rotate`); the engine records no rotation date', at: infoAt('Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers'), evidence: 'AutoLockManagers: true' }];
  },
});
