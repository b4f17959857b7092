import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';
import { addSources } from './support/add.ts';

/** Files that hold credentials or a repository's history. */
const SENSITIVE: readonly [RegExp, string][] = [
  [/(^|\/)\.env(\.[\w-]+)?$/, 'an environment file'],
  [/(^|\/)\.ssh(\/|$)/, 'SSH keys'],
  [/(^|\/)id_(rsa|dsa|ecdsa|ed25519)$/, 'an SSH private key'],
  [/(^|\/)\.git(\/|$)/, 'the git repository (history, remotes, maybe tokens)'],
  [/\.(pem|key|p12|pfx|jks|keystore)$/i, 'a key or certificate store'],
  [/(^|\/)\.(npmrc|pypirc|netrc|dockercfg)$/, 'registry credentials'],
  [/(^|\/)\.docker\/config\.json$/, 'registry credentials'],
  [/(^|\/)\.aws(\/|$)/, 'AWS credentials'],
  [/(^|\/)(credentials|secrets?)\.(json|ya?ml|txt)$/i, 'a credentials file'],
];

export default dockerfileRule({
  meta: {
    id: 'dockerfile-copy-sensitive',
    target: 'dockerfile',
    title: 'COPY or ADD of secrets or repository metadata',
    severity: 'high',
    cis: { id: '4.10', automated: false },
    peers: { trivy: 'DS031' },
    rationale: 'Files copied into a layer stay in the image even if a later step deletes them: `.env` files, SSH keys, `.git`, `*.pem` and registry credentials become readable by anyone who pulls it.',
    remediation: 'Do not copy them: list them in .dockerignore, and pass build-time secrets with `RUN --mount=type=secret`.',
    cwe: ['CWE-538'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile).filter((x) => x.keyword === 'COPY' || x.keyword === 'ADD')) {
      if (i.flags.some((f) => f.name === 'from')) continue;
      for (const s of addSources(i)) {
        const hit = SENSITIVE.find(([re]) => re.test(s.value.replace(/\/+$/, '')));
        if (hit) out.push({ message: `${i.keyword} ${s.value} copies ${hit[1]} into the image`, at: s.at, evidence: `${i.keyword} ${i.text}` });
      }
    }
    return out;
  },
});
