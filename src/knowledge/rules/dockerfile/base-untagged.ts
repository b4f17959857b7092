import { dockerfileRule } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-base-untagged',
    target: 'dockerfile',
    title: 'Base image has no tag or digest',
    severity: 'medium',
    peers: { hadolint: 'DL3006', trivy: 'DS001', checkov: 'CKV_DOCKER_7' },
    rationale: 'Without a tag the builder takes `latest`, whatever it is that day: builds are not reproducible and a changed base slips in unreviewed.',
    remediation: 'Pin the base: `FROM debian:12.8` or, better, by digest `FROM debian:12.8@sha256:...`.',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile }) {
    return dockerfile.stages
      .filter((s) => !s.base.tag && !s.base.digest && !s.base.usesVariable && !s.base.scratch && s.base.stage === undefined)
      .map((s) => ({ message: `FROM ${s.base.raw} has no tag: it means latest`, at: s.from.textAt, evidence: `FROM ${s.from.text}` }));
  },
});
