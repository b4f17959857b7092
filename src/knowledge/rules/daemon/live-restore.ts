import { daemonRule, notApplicable } from '../../../models/rule.ts';
import { boolValue, evidenceOf, inSwarm, infoAt, optionOf } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-live-restore',
    target: 'daemon',
    title: 'Live restore is not enabled',
    severity: 'low',
    cis: { id: '2.15', automated: true, ids: { 'cis-1.8.0': '2.16' } },
    peers: { dockerBench: '2.15' },
    rationale:
      'With live restore, containers keep running while dockerd stops or restarts, so the daemon can be upgraded or patched promptly without taking workloads down, which keeps availability from delaying security updates.',
    remediation: 'Set `"live-restore": true` in daemon.json (or start dockerd with `--live-restore`); on a swarm node this does not apply.',
    urls: ['https://docs.docker.com/engine/daemon/live-restore/'],
  },
  check({ daemon }) {
    if (inSwarm(daemon)) return notApplicable(`live restore is incompatible with swarm mode (this node is ${daemon.info.swarmState})`);
    // /info says whether the running daemon has it, for a remote daemon too.
    if (daemon.info.liveRestoreEnabled) return [];
    const o = optionOf(daemon, 'live-restore');
    if (o && boolValue(o) === true) {
      return [{ message: 'live-restore is set but the running daemon does not have it: reload or restart dockerd to apply it', at: o.at, evidence: `${evidenceOf(o)}; LiveRestoreEnabled: false` }];
    }
    return [{ message: 'live restore is off: restarting or upgrading dockerd stops every container', at: o?.at ?? infoAt('LiveRestoreEnabled'), evidence: 'LiveRestoreEnabled: false' }];
  },
});
