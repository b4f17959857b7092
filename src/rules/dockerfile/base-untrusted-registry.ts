import type { Location } from '../../models/location.ts';
import { dockerfileRule, notApplicable, type Issue } from '../rule.ts';
import { executable } from './support/query.ts';
import { parseImageRef } from '../../sources/dockerfile/image-ref.ts';

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
    if (trusted.length === 0) return notApplicable('no trusted registries are configured (moat.yaml: trustedRegistries)');
    const out: Issue[] = [];
    const stageNames = new Map(dockerfile.stages.filter((s) => s.name !== undefined).map((s) => [s.name as string, s.index]));
    const judge = (ref: string, at: Location, what: string): void => {
      const img = parseImageRef(ref, new Map(), stageNames);
      if (img.scratch || img.usesVariable || img.stage !== undefined || /^\d+$/.test(ref)) return;
      const registry = img.registry ?? 'docker.io';
      if (!trusted.some((t) => matches(t, registry))) out.push({ message: `${what} ${ref} comes from ${registry}, not a trusted registry`, at, evidence: ref });
    };
    for (const s of dockerfile.stages) if (s.base.stage === undefined) judge(s.base.resolved, s.from.textAt, 'FROM');
    for (const i of executable(dockerfile)) {
      for (const f of i.flags) {
        if (i.keyword === 'COPY' && f.name === 'from' && f.value && /[:/@.]/.test(f.value)) judge(f.value, f.at, 'COPY --from');
        if (i.keyword === 'RUN' && f.name === 'mount' && f.value) {
          const from = /(?:^|,)from=([^,]+)/.exec(f.value)?.[1];
          if (from) judge(from, f.at, 'RUN --mount from');
        }
      }
    }
    return out;
  },
});

/** `*` matches all, `*.example.com` any subdomain, otherwise exact (`docker.io` also covers `index.docker.io`). */
function matches(pattern: string, registry: string): boolean {
  const p = pattern.toLowerCase();
  const r = registry.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return r.endsWith(p.slice(1));
  if (p === 'docker.io' && (r === 'index.docker.io' || r === 'registry-1.docker.io')) return true;
  return p === r;
}
