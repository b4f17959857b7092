import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-user-not-numeric',
    target: 'dockerfile',
    title: 'USER is a name, not a numeric UID',
    severity: 'info',
    peers: { hadolint: 'DL3066' },
    rationale: 'Orchestrators check `runAsNonRoot` against a numeric UID; with a user name they cannot tell whether the image runs as root and refuse it (Kubernetes) or assume the worst.',
    remediation: 'Use the numeric UID (and GID): `USER 10001:10001`.',
  },
  check({ dockerfile }) {
    return executable(dockerfile, 'USER')
      .filter((i) => !i.text.includes('$') && !/^\d+(:\d+)?$/.test(i.text.trim()))
      .map((i) => ({ message: `USER ${i.text} is not numeric`, at: i.textAt, evidence: `USER ${i.text}` }));
  },
});
