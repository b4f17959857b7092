import { imageRule } from '../../../models/rule.ts';
import { judgeReference } from '../../../models/image-trust.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-trusted-base',
    target: 'image',
    title: 'Confirm the image comes from a trusted base',
    severity: 'info',
    manual: true,
    cis: { id: '4.2', automated: false },
    peers: { dockerBench: '4.2' },
    rationale:
      "An image is as trustworthy as the base it was built from and the registry it came through. Only a person can say which publishers and registries are trusted; Moat shows where the image came from (tags, the digests it was pulled by, the base named in OCI labels). With `trust.registries` or `trust.baseImages` in moat.yaml, Moat judges the base the image names in its `org.opencontainers.image.base.name` label (else the image's own first tag) against them, as dockerfile-base-untrusted-registry judges FROM lines; without them it stays a review. Content trust (4.5, host-content-trust) makes the engine enforce signatures.",
    remediation: 'Build from official or in-house base images pulled by digest (`FROM debian:12@sha256:...`), from registries you control, with Docker Content Trust (`DOCKER_CONTENT_TRUST=1`) or signature verification on pull.',
    cwe: ['CWE-1357'],
  },
  check({ image, settings }) {
    const base = image.labels['org.opencontainers.image.base.name'];
    const registries = settings?.trustedRegistries ?? [];
    const bases = settings?.trustedBaseImages ?? [];
    if (registries.length || bases.length) {
      const ref = base ?? image.repoTags[0];
      if (!ref) return [{ message: `${imageName(image)}: no org.opencontainers.image.base.name label and no tag, so its base cannot be judged against the trusted list; confirm it by hand`, at: { path: 'Config.Labels' }, evidence: image.id }];
      const v = judgeReference(ref, registries, bases);
      const what = base ? `its base ${base}` : `its name ${ref} (no base label)`;
      return v.trusted ? [] : [{ message: `${imageName(image)}: ${what}: ${v.why}`, severity: 'high', at: { path: base ? 'Config.Labels["org.opencontainers.image.base.name"]' : 'RepoTags' }, evidence: ref }];
    }
    const from = image.repoDigests.length ? `pulled as ${image.repoDigests.join(', ')}` : 'not pulled from a registry (built or loaded locally: no repo digest)';
    return [{ message: `${imageName(image)}: ${from}${base ? `; base ${base}` : ''}: confirm its publisher and registry are trusted`, at: { path: 'RepoDigests' }, evidence: `RepoTags: ${image.repoTags.join(', ') || '(none)'}; RepoDigests: ${image.repoDigests.join(', ') || '(none)'}` }];
  },
});
