import { SEVERITIES, type Finding, type Severity } from '../../models/finding.ts';

/**
 * Rules whose finding is already about being reachable: raising them for the same reason
 * would count exposure twice.
 */
const ABOUT_EXPOSURE = new Set([
  'container-ports-all-interfaces',
  'container-published-ports',
  'container-privileged-ports',
  'container-admin-port-exposed',
  'container-host-network-listening',
  'container-ipv6-unfiltered',
  'container-exposed-path',
  'container-host-network',
]);

function oneUp(s: Severity): Severity {
  const i = SEVERITIES.indexOf(s);
  return i > 0 ? (SEVERITIES[i - 1] ?? s) : s;
}

/**
 * Findings of containers reachable from outside the host rise one severity (low → medium →
 * high → critical): the same weakness is worth more to an attacker who can connect. Info
 * findings stay info (they ask a person to look, they do not judge); the message says why
 * the severity rose, so a reader can tell it from the rule's own.
 */
export function raiseForExposure(findings: readonly Finding[], exposedContainerIds: ReadonlySet<string>): Finding[] {
  if (exposedContainerIds.size === 0) return [...findings];
  return findings.map((f) => {
    if (f.subject.kind !== 'container' || !exposedContainerIds.has(f.subject.id)) return f;
    if (f.severity === 'info' || f.severity === 'critical' || ABOUT_EXPOSURE.has(f.ruleId)) return f;
    return { ...f, severity: oneUp(f.severity), message: `${f.message} (raised from ${f.severity}: the container is reachable from outside the host)` };
  });
}
