import { imageRule } from '../rule.ts';
import { imageName } from './support/subject.ts';

export default imageRule({
  meta: {
    id: 'image-signed-artifacts',
    target: 'image',
    title: 'Confirm the image and its artifacts are signed and validated',
    severity: 'info',
    manual: true,
    cis: { id: '4.12', automated: false },
    peers: { dockerBench: '4.12' },
    rationale: 'A signature checked before an artifact is pushed and again before it is pulled shows it is the one that was built. Moat does not check signatures or content-trust data yet (`moat sign`/`moat verify` come with a later issue), so every image gets an info finding saying it was not checked, never a pass; whether the pipeline signs and checks is for a person to confirm until then.',
    remediation: 'Sign images when they are pushed (cosign, Notation, or Docker Content Trust) and verify the signatures before deployment (a policy controller, or `DOCKER_CONTENT_TRUST=1` on the hosts).',
    cwe: ['CWE-347'],
  },
  check({ image }) {
    const digests = image.repoDigests.length ? image.repoDigests.join(', ') : 'no repo digest (not pulled from a registry)';
    return [{ message: `${imageName(image)}: signature and content trust not checked (Moat does not verify signatures yet); confirm it was signed when pushed and its signature is checked before it runs`, at: { path: 'RepoDigests' }, evidence: digests }];
  },
});
