/**
 * Factory for benchmark 1.1.3-1.1.18: an audit watch on a Docker file or directory.
 * A watch on a directory (`-w DIR`, `-F dir=DIR`) covers everything below it, as
 * auditctl(8) describes, so a watch on /etc/docker also audits daemon.json.
 */
import type { AuditRules } from '../../../../models/host-spec.ts';
import { hostPaths, type HostPaths } from '../../../../models/host-paths.ts';
import { hostRule, notApplicable, type CisRef, type HostRule, type SystemFacts } from '../../../../models/rule.ts';
import { REMOTE } from './file-rules.ts';

export interface AuditRuleSpec {
  id: string;
  cis: string;
  /** Versions that number it otherwise, or lack it (null): see CisRef. */
  cisIds?: CisRef['ids'];
  /** docker-bench-security's check number, when it has this check (it stops at v1.6.0); `cis` when absent. */
  dockerBench?: string | null;
  /** What the watched path is, for the title: `the dockerd binary`. */
  what: string;
  /** The path as the benchmark names it, for the static remediation. */
  canonical: string;
  path: (paths: HostPaths) => string | undefined;
  severity?: 'low' | 'medium';
  /** Why the rule does not apply when the path does not exist, when `<path> does not exist` would mislead (searched several places). */
  absent?: string | ((facts: SystemFacts) => string);
  /** Why the rule does not apply to a rootless daemon, when the path is one only the system daemon uses. */
  rootless?: string;
}

export function auditRule(spec: AuditRuleSpec): HostRule {
  return hostRule({
    meta: {
      id: spec.id,
      target: 'host',
      title: `No audit rule watches ${spec.what}`,
      check: `Audit rule watches ${spec.what}`,
      severity: spec.severity ?? 'low',
      cis: { id: spec.cis, automated: true, ...(spec.cisIds ? { ids: spec.cisIds } : {}) },
      ...(spec.dockerBench === null ? {} : { peers: { dockerBench: spec.dockerBench ?? spec.cis } }),
      rationale: `Without an audit watch on ${spec.what} (${spec.canonical}), changes to it and uses of it leave no trail: a tampered Docker component or configuration cannot be traced afterwards.`,
      remediation: `Install auditd, add \`-w ${spec.canonical} -k docker\` (the path where it lives on this host) to /etc/audit/rules.d/docker.rules, then load it with \`augenrules --load\` (or \`service auditd restart\`).`,
      cwe: ['CWE-778'],
      urls: ['https://man7.org/linux/man-pages/man8/auditctl.8.html'],
    },
    check(facts) {
      const host = facts.host;
      if (!host) return notApplicable(REMOTE);
      if (facts.daemon.rootless && spec.rootless) return notApplicable(spec.rootless);
      const path = spec.path(hostPaths(host, facts.daemon));
      if (!path) return notApplicable(`${spec.what} is not configured`);
      const fact = host.files.get(path);
      if (!fact) throw new Error(`${path} was not examined`);
      const watched = isWatched(host.audit, path);
      // A watch proves the point even when the file itself could not be read.
      if (watched && host.audit.available) return [];
      if (fact.error) throw new Error(fact.error);
      if (!fact.exists) return notApplicable((typeof spec.absent === 'function' ? spec.absent(facts) : spec.absent) ?? `${path} does not exist`);
      const line = `-w ${path} -k docker`;
      if (!host.audit.available) {
        return [{ message: `auditd is not installed (no auditctl, no /etc/audit/audit.rules, no /etc/audit/rules.d/*.rules): nothing audits ${path}`, at: { file: path }, evidence: 'no audit subsystem' }];
      }
      return [{ message: `no audit rule watches ${path}; add \`${line}\``, at: { file: path }, evidence: `audit rules from ${host.audit.sources.join(', ') || 'nowhere'}` }];
    },
  });
}

/** Watched directly, through an ancestor directory, or under /var/run's other name /run. */
export function isWatched(audit: AuditRules, path: string): boolean {
  for (const form of aliases(path)) {
    let p = form;
    while (p !== '/' && p !== '') {
      if (audit.watchedPaths.has(p)) return true;
      p = p.slice(0, p.lastIndexOf('/')) || '/';
    }
  }
  return false;
}

function aliases(path: string): string[] {
  if (path.startsWith('/var/run/')) return [path, path.slice('/var'.length)];
  if (path.startsWith('/run/')) return [path, `/var${path}`];
  return [path];
}
