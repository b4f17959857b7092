import type { Location } from '../../../models/location.ts';
import { findSecrets, isSecretAssignment, isSecretName, maskSecret } from '../../../util/secrets/index.ts';
import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-secrets',
    target: 'dockerfile',
    title: 'Secret written into the Dockerfile',
    severity: 'critical',
    cis: { id: '4.10', automated: false },
    peers: { hadolint: 'DL3064', trivy: 'DS031', kics: 'b03a748a-542d-44f4-bb86-9199ab4fd2d5' },
    rationale: 'ENV values, ARG defaults, labels, heredocs and RUN lines are stored in the image config and its history: anyone who can pull the image can read them. A private key, cloud key or token there is leaked.',
    remediation: 'Remove the value and rotate it. Pass secrets at build time with `RUN --mount=type=secret,id=NAME` (docker build --secret) and at run time through the orchestrator\'s secrets, never ENV/ARG/LABEL.',
    cwe: ['CWE-798', 'CWE-312'],
    urls: ['https://docs.docker.com/build/building/secrets/'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    const seen = new Set<string>();
    const add = (issue: Issue): void => {
      const key = `${issue.at?.line}:${issue.at?.column}:${issue.evidence}`;
      if (!seen.has(key)) out.push(issue);
      seen.add(key);
    };
    const scan = (text: string, where: string, at: Location): void => {
      for (const s of findSecrets(text)) add({ message: `${where} holds a ${s.label}`, at, evidence: s.masked });
    };
    for (const i of [...dockerfile.globalArgs, ...executable(dockerfile)]) {
      if (i.pairs) {
        for (const p of i.pairs) {
          const where = `${i.keyword} ${p.key}`;
          const at = p.valueAt ?? p.at;
          if (p.value !== undefined && findSecrets(`${p.key}=${p.value}`).length) scan(`${p.key}=${p.value}`, where, at);
          else if (isSecretAssignment(p.key, p.value)) add({ message: `${where} sets a secret-named value in the image`, at, evidence: `${p.key}=${maskSecret(p.value ?? '')}` });
          else if (i.keyword === 'ARG' && p.value === undefined && isSecretName(p.key)) {
            add({ message: `ARG ${p.key} passes a secret as a build argument: its value is recorded in the image history`, at: p.at, evidence: `ARG ${p.key}`, severity: 'medium' });
          }
        }
        continue;
      }
      if (i.keyword === 'RUN' || i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT' || i.keyword === 'HEALTHCHECK') scan(i.text, i.keyword, i.textAt);
      for (const h of i.heredocs) scan(h.body, `${i.keyword} heredoc <<${h.name}`, h.bodyAt);
    }
    return out;
  },
});
