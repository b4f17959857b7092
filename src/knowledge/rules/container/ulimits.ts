import { containerRule } from '../../../models/rule.ts';

export default containerRule({
  meta: {
    id: 'container-ulimits',
    target: 'container',
    title: "Container overrides the daemon's default ulimits",
    severity: 'info',
    cis: { id: '5.19', automated: false },
    peers: { dockerBench: '5.19' },
    rationale:
      "Containers inherit the daemon's default ulimits (2.8, daemon-default-ulimit), which bound open files and processes; an override should be an exception someone decided on. Moat lists each override for review and passes containers that keep the defaults (docker-bench reports those instead, the opposite of the benchmark's audit step, which looks for overrides).",
    remediation: 'Remove `--ulimit` (compose: `ulimits:`) overrides that are not needed, and set the defaults once with `default-ulimits` in daemon.json.',
    cwe: ['CWE-770'],
  },
  check({ container }) {
    const u = container.resources.ulimits;
    if (!u.length) return [];
    const list = u.map((l) => `${l.name}=${l.soft}:${l.hard}`).join(', ');
    return [{ message: `overrides ulimits ${list}: confirm each override is needed`, at: container.where['resources.ulimits'], evidence: list }];
  },
});
