import { daemonRule, notApplicable } from '../../../models/rule.ts';

export default daemonRule({
  meta: {
    id: 'daemon-default-bridge-shared',
    target: 'daemon',
    title: 'The default bridge carries several containers with ICC on',
    severity: 'medium',
    rationale:
      "Containers on the default bridge (docker0) with the daemon's `icc` on reach every port of each other, whatever application they belong to: one compromised container can attack all the others. container-default-bridge reports each container on it; this rule reports the bridge once, when it actually joins more than one running container, and names them.",
    remediation: 'Give each application its own network (`docker network create app`, `--network app`; compose does this unless `network_mode: bridge`), or set `"icc": false` in daemon.json.',
    cwe: ['CWE-923'],
  },
  check({ network }) {
    if (!network) return notApplicable('no network picture was read');
    const bridge = network.networks.find((n) => n.defaultBridge);
    if (!bridge || !bridge.icc || bridge.containers.length < 2) return [];
    const names = [...bridge.containers].sort();
    return [{ at: bridge.at ?? { path: `GET /networks/${bridge.name}: Containers` }, message: `the default bridge (${bridge.name}) joins ${names.length} containers with ICC on: ${names.join(', ')}`, evidence: `network ${bridge.name}: com.docker.network.bridge.enable_icc=true; ${names.length} containers` }];
  },
});
