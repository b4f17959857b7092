import { daemonRule } from '../../../models/rule.ts';
import { configAt, evidenceOf, optionOf, remote, unsetBecause } from './support/options.ts';

/** `nofile=1024:2048` for each limit, whichever shape (daemon.json object or command-line words) it came in. */
function describe(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([name, l]) => {
      const { Soft, Hard } = (l ?? {}) as { Soft?: unknown; Hard?: unknown };
      return Soft === undefined && Hard === undefined ? `${name}=${JSON.stringify(l)}` : `${name}=${String(Soft)}:${String(Hard)}`;
    });
  }
  return [];
}

export default daemonRule({
  meta: {
    id: 'daemon-default-ulimit',
    target: 'daemon',
    title: 'Default ulimits for containers need review',
    severity: 'info',
    manual: true,
    cis: { id: '2.8', automated: false, ids: { 'cis-1.8.0': '2.9' } },
    peers: { dockerBench: '2.8' },
    rationale:
      'Default ulimits cap what every container may consume (open files, processes) unless it asks otherwise, which blunts fork bombs and descriptor exhaustion; which limits are right depends on the workloads, so a person has to judge them.',
    remediation:
      'Set limits that suit the workloads in `default-ulimits` in daemon.json (e.g. `"default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 2048}}`) or with `--default-ulimit nofile=1024:2048 --default-ulimit nproc=1024:2048`.',
    cwe: ['CWE-770'],
    urls: ['https://docs.docker.com/reference/cli/dockerd/#default-ulimit-settings'],
  },
  check({ daemon }) {
    if (!daemon.local) return remote();
    const o = optionOf(daemon, 'default-ulimits');
    const limits = o ? describe(o.value) : [];
    if (o && limits.length > 0) {
      return [{ message: `default ulimits are ${limits.join(', ')}: confirm they suit the containers this daemon runs`, at: o.at, evidence: evidenceOf(o) }];
    }
    return [
      {
        message: `no default ulimits are set (${unsetBecause(daemon, 'default-ulimits')}): containers inherit dockerd's own limits (LimitNOFILE, LimitNPROC in its service unit); confirm those are appropriate or set default-ulimits`,
        at: o?.at ?? configAt(daemon),
        evidence: o ? evidenceOf(o) : 'default-ulimits: (not set)',
      },
    ];
  },
});
