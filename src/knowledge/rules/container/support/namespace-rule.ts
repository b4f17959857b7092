import type { Namespaces } from '../../../../models/container-spec.ts';
import { containerRule, notApplicable, type ContainerRule } from '../../../../models/rule.ts';

interface NamespaceRuleSpec {
  ns: keyof Namespaces;
  cis: string;
  flag: string;
  composeKey: string;
  title: string;
  rationale: string;
  severity: 'critical' | 'high' | 'medium';
  /** Why sharing this namespace is moot under a rootless daemon (its "host" namespace is the daemon's own, not the machine's). */
  rootless?: string;
}

/** The host-namespace rules differ only in which namespace and what sharing it exposes. */
export function hostNamespaceRule(s: NamespaceRuleSpec): ContainerRule {
  return containerRule({
    meta: {
      id: `container-host-${s.ns === 'network' ? 'network' : s.ns}`,
      target: 'container',
      title: s.title,
      severity: s.severity,
      cis: { id: s.cis, automated: true },
      peers: { dockerBench: s.cis },
      rationale: s.rationale,
      remediation: `Remove \`${s.flag}=host\` from \`docker run\` (compose: \`${s.composeKey}: host\`).`,
      cwe: ['CWE-653'],
    },
    check({ container, daemon }) {
      if (daemon?.rootless && s.rootless) return notApplicable(s.rootless);
      if (container.namespaces[s.ns] !== 'host') return [];
      return [{ message: `shares the host's ${s.ns === 'network' ? 'network' : s.ns.toUpperCase()} namespace`, at: container.where[`namespaces.${s.ns}`], evidence: `${s.flag}=host` }];
    },
  });
}
