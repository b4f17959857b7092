import { dockerfileRule, notApplicable } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-base-digest-required',
    target: 'dockerfile',
    title: 'Base image pinned by tag where policy requires a digest',
    severity: 'high',
    rationale:
      "A tag can be moved to other content at any time; a digest cannot. Signatures name digests, so where moat.yaml's `trust.signatures` says an image must be pinned (`requireDigest: true`), a FROM by tag builds from whatever the tag names that day, signed or not.",
    remediation: 'Pin the base by digest, keeping the tag for people: `FROM registry.example.com/base:1.2@sha256:...`; `moat lint --fix` looks the digest up in the registry and writes it.',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile, settings }) {
    const requires = settings.digestRequiredBy;
    if (!requires) return notApplicable('no trust.signatures entry in moat.yaml sets requireDigest');
    const out = [];
    for (const s of dockerfile.stages) {
      const b = s.base;
      if (b.digest || b.scratch || b.usesVariable || b.stage !== undefined) continue;
      const registry = b.registry ?? 'docker.io';
      const repository = b.registry === undefined && !b.repository.includes('/') ? `library/${b.repository}` : b.repository;
      const policy = requires(registry, repository);
      if (policy) out.push({ message: `FROM ${b.resolved} is pinned by tag, but ${policy} requires a digest for ${registry}/${repository}: pin it (moat lint --fix writes the registry's digest)`, at: s.from.textAt, evidence: `FROM ${s.from.text}` });
    }
    return out;
  },
});
