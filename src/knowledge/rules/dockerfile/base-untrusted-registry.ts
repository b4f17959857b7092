import type { Location } from '../../../models/location.ts';
import { dockerfileRule, notApplicable, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';
import { parseImageRef } from '../../../models/image-ref.ts';
import { baseMatches, registryMatches } from '../../../models/image-trust.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-base-untrusted-registry',
    target: 'dockerfile',
    title: 'Image pulled from a registry that is not trusted',
    severity: 'high',
    cis: { id: '4.2', automated: false },
    peers: { hadolint: 'DL3026' },
    rationale: 'Base images (and images copied from or mounted) run their code in your build and your container: only registries you have decided to trust should supply them (CIS 4.2).',
    remediation: 'Pull from a trusted registry, or add it to `trustedRegistries` in moat.yaml after review.',
    cwe: ['CWE-829'],
  },
  check({ dockerfile, settings }) {
    const trusted = settings.trustedRegistries;
    const bases = settings.trustedBaseImages;
    if (trusted.length === 0 && bases.length === 0) return notApplicable('no trusted registries or base images are configured (moat.yaml: trust.registries, trust.baseImages)');
    const out: Issue[] = [];
    const stageNames = new Map(dockerfile.stages.filter((s) => s.name !== undefined).map((s) => [s.name as string, s.index]));
    const judge = (ref: string, at: Location, what: string, base: boolean): void => {
      const img = parseImageRef(ref, new Map(), stageNames);
      if (img.scratch || img.usesVariable || img.stage !== undefined || /^\d+$/.test(ref)) return;
      const registry = img.registry ?? 'docker.io';
      const repository = img.registry === undefined && !img.repository.includes('/') ? `library/${img.repository}` : img.repository;
      if (trusted.length && !trusted.some((t) => registryMatches(t, registry, repository))) out.push({ message: `${what} ${ref} comes from ${registry}, not a trusted registry`, at, evidence: ref });
      else if (base && bases.length && !bases.some((b) => baseMatches(b, img.registry, img.repository, img.tag))) out.push({ message: `${what} ${ref} is not one of the trusted base images`, at, evidence: ref });
    };
    for (const s of dockerfile.stages) if (s.base.stage === undefined) judge(s.base.resolved, s.from.textAt, 'FROM', true);
    for (const i of executable(dockerfile)) {
      for (const f of i.flags) {
        if (i.keyword === 'COPY' && f.name === 'from' && f.value && /[:/@.]/.test(f.value)) judge(f.value, f.at, 'COPY --from', false);
        if (i.keyword === 'RUN' && f.name === 'mount' && f.value) {
          const from = /(?:^|,)from=([^,]+)/.exec(f.value)?.[1];
          if (from) judge(from, f.at, 'RUN --mount from', false);
        }
      }
    }
    return out;
  },
});
