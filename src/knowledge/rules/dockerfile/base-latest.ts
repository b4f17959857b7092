import { dockerfileRule } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-base-latest',
    target: 'dockerfile',
    title: 'Base image uses the latest tag',
    severity: 'medium',
    peers: { hadolint: 'DL3007', trivy: 'DS001', checkov: 'CKV_DOCKER_7' },
    rationale: '`latest` moves: two builds of the same Dockerfile get different bases, and a compromised or broken push is picked up without review.',
    remediation: 'Pin a version tag (`FROM node:22.11-bookworm`) and, for supply-chain safety, its digest (`@sha256:...`).',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile }) {
    return dockerfile.stages
      .filter((s) => s.base.tag === 'latest' && !s.base.digest && s.base.stage === undefined)
      .map((s) => ({ message: `FROM ${s.base.raw} uses the latest tag`, at: s.from.textAt, evidence: `FROM ${s.from.text}` }));
  },
});
