import { imageRule } from '../rule.ts';
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
      "An image is as trustworthy as the base it was built from and the registry it came through. Only a person can say which publishers and registries are trusted; Moat shows where the image came from (tags, the digests it was pulled by, the base named in OCI labels). Content trust (4.5, host-content-trust) makes the engine enforce signatures; trusted registries in moat.yaml come with a later issue.",
    remediation: 'Build from official or in-house base images pulled by digest (`FROM debian:12@sha256:...`), from registries you control, with Docker Content Trust (`DOCKER_CONTENT_TRUST=1`) or signature verification on pull.',
    cwe: ['CWE-1357'],
  },
  check({ image }) {
    const base = image.labels['org.opencontainers.image.base.name'];
    const from = image.repoDigests.length ? `pulled as ${image.repoDigests.join(', ')}` : 'not pulled from a registry (built or loaded locally: no repo digest)';
    return [{ message: `${imageName(image)}: ${from}${base ? `; base ${base}` : ''}: confirm its publisher and registry are trusted`, at: { path: 'RepoDigests' }, evidence: `RepoTags: ${image.repoTags.join(', ') || '(none)'}; RepoDigests: ${image.repoDigests.join(', ') || '(none)'}` }];
  },
});
