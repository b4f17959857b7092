import { boolValue, optionOf } from '../daemon/support/options.ts';
import { containerRule } from '../../../models/rule.ts';
import { effectiveCapabilities } from './support/capability-sets.ts';

/** The engine's default network: `bridge` (docker0); `default` is its old alias. */
export function onDefaultBridge(c: { namespaces: { network?: string }; networks: string[] }): boolean {
  const mode = c.namespaces.network;
  return mode === 'bridge' || mode === 'default' || c.networks.includes('bridge');
}

export default containerRule({
  meta: {
    id: 'container-default-bridge',
    target: 'container',
    title: "Container uses the default bridge network (docker0)",
    severity: 'low',
    cis: { id: '5.30', automated: false },
    peers: { dockerBench: '5.30' },
    rationale:
      "Every container on the default bridge shares one network: with the daemon's icc on (the default) each reaches every port of every other, and with NET_RAW (in Docker's default set) it can spoof ARP to intercept their traffic even with icc off. User-defined networks separate applications and give name resolution. Moat rates a container on docker0 medium while the daemon has icc on, low otherwise.",
    remediation: 'Create a network per application (`docker network create app`) and run with `--network app` (compose puts services on their project network unless `network_mode: bridge`); set `"icc": false` in daemon.json for what must stay on docker0.',
    cwe: ['CWE-923'],
    urls: ['https://docs.docker.com/engine/network/drivers/bridge/#differences-between-user-defined-bridges-and-the-default-bridge'],
  },
  check({ container, daemon }) {
    if (!onDefaultBridge(container)) return [];
    const iccOn = daemon ? (daemon.local ? boolValue(optionOf(daemon, 'icc')) !== false : undefined) : undefined;
    const netRaw = effectiveCapabilities(container).has('NET_RAW');
    const icc = iccOn === true ? 'the daemon has icc on, so every container there reaches every port of this one' : iccOn === false ? 'the daemon has icc off' : "whether the daemon's icc is on is not known here";
    return [{
      message: `is on the default bridge (docker0): ${icc}${netRaw ? '; with NET_RAW it can spoof ARP on that bridge' : ''}`,
      at: container.where['namespaces.network'],
      evidence: `NetworkMode: ${container.namespaces.network ?? '(default)'}${iccOn === true ? ', icc: true (daemon)' : ''}`,
      severity: iccOn === true ? 'medium' : 'low',
    }];
  },
});
