import { boolValue, configAt, evidenceOf, optionOf } from '../daemon/support/options.ts';
import { containerRule } from '../../../models/rule.ts';

/** `no-new-privileges=false` (or `:false`, `=0`) turns off a daemon-wide default for this container. */
export function explicitlyAllowsNewPrivileges(raw: readonly string[]): boolean {
  return raw.some((o) => /^no-new-privileges[=:](false|0|f)$/i.test(o.trim()));
}

export default containerRule({
  meta: {
    id: 'container-no-new-privileges',
    target: 'container',
    title: 'Container may gain new privileges',
    severity: 'medium',
    cis: { id: '5.26', automated: true },
    peers: { dockerBench: '5.26' },
    rationale:
      "Without no-new-privileges a process can gain privileges through setuid/setgid binaries and file capabilities: the usual step from a non-root foothold to root inside the container. A daemon-wide `no-new-privileges` in daemon.json (or `dockerd --no-new-privileges`) counts for every container that does not turn it off with `no-new-privileges=false`.",
    remediation: 'Run with `--security-opt no-new-privileges` (compose: `security_opt: [no-new-privileges:true]`), or set `"no-new-privileges": true` in daemon.json for every container.',
    cwe: ['CWE-269'],
    urls: ['https://docs.docker.com/reference/cli/docker/container/run/#security-opt'],
  },
  check({ container, daemon }) {
    const at = container.where['security.noNewPrivileges'];
    if (explicitlyAllowsNewPrivileges(container.security.raw)) {
      return [{ message: 'turns no-new-privileges off explicitly (no-new-privileges=false), overriding any daemon default', at, evidence: container.security.raw.join(', ') }];
    }
    if (container.security.noNewPrivileges) return [];
    if (!daemon) return [{ message: "does not set no-new-privileges; a daemon-wide default would cover it, but the daemon is not known here", at, evidence: 'no-new-privileges: (not set)' }];
    const o = optionOf(daemon, 'no-new-privileges');
    if (boolValue(o) === true) return [];
    const daemonSays = !daemon.local ? "the daemon's configuration is not readable (remote daemon)" : o ? `the daemon sets ${evidenceOf(o)}` : `the daemon does not set it either (${configAt(daemon).file})`;
    return [{ message: `does not set no-new-privileges and ${daemonSays}: setuid binaries can raise privileges`, at, evidence: 'no-new-privileges: (not set)' }];
  },
});
