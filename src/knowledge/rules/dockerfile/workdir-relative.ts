import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-workdir-relative',
    target: 'dockerfile',
    title: 'WORKDIR is a relative path',
    severity: 'low',
    peers: { hadolint: 'DL3000', trivy: 'DS009', checkov: 'CKV_DOCKER_10' },
    rationale: 'A relative WORKDIR resolves against whatever directory the previous instruction (or the base image) left, so the same Dockerfile lands files in different places as bases change.',
    remediation: 'Give WORKDIR an absolute path (`WORKDIR /app`).',
    urls: ['https://docs.docker.com/reference/dockerfile/#workdir'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile, 'WORKDIR')) {
      const dir = i.text.replace(/^(["'])(.*)\1$/, '$2');
      // A variable may hold an absolute path; a Windows path is absolute with its drive.
      if (dir === '' || dir.startsWith('/') || dir.startsWith('$') || /^[A-Za-z]:[\\/]/.test(dir)) continue;
      out.push({ message: `WORKDIR ${dir} is relative`, at: i.textAt, evidence: `WORKDIR ${i.text}` });
    }
    return out;
  },
});
