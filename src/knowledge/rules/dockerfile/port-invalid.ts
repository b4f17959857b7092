import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-port-invalid',
    target: 'dockerfile',
    title: 'EXPOSE names an invalid port',
    severity: 'low',
    peers: { hadolint: 'DL3011', trivy: 'DS008' },
    rationale: 'Ports run from 0 to 65535 and protocols are tcp, udp or sctp; anything else fails at run time or is silently meaningless.',
    remediation: 'Use `EXPOSE <port>[/tcp|udp|sctp]` with a port from 1 to 65535 (or a range `8000-8010`).',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile, 'EXPOSE')) {
      for (const w of i.args) {
        if (w.value.includes('$')) continue;
        const [ports = '', proto] = w.value.split('/');
        const parts = ports.split('-');
        const bad = parts.length > 2 || parts.some((p) => !/^\d+$/.test(p) || Number(p) > 65535) || (proto !== undefined && !/^(tcp|udp|sctp)$/i.test(proto));
        if (bad) out.push({ message: `EXPOSE ${w.value} is not a valid port`, at: w.at, evidence: `EXPOSE ${i.text}` });
      }
    }
    return out;
  },
});
