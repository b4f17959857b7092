import { imageRule } from '../../../models/rule.ts';
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
    rationale:
      "A signature checked before an artifact is pushed and again before it is pulled shows it is the one that was built. When moat.yaml's `trust.signatures` names the signers for an image (cosign keys or keyless identities), `scan` and `audit` check its cosign signature in its registry as `moat verify` does (the registry digest it was pulled by must carry a signature from one of them) and report an image without one as high. Without such a policy every image gets an info finding saying its signature was not checked, never a pass.",
    remediation:
      'Sign images when they are pushed (`cosign sign --key` or keyless in CI) and name the signers in moat.yaml (`trust.signatures`: images, keys or identities), so `moat scan`, `moat audit` and `moat enforce` check them; Docker Content Trust (Notary v1) is the older mechanism, replaced by Sigstore/cosign signatures.',
    cwe: ['CWE-347'],
    urls: ['https://docs.sigstore.dev/cosign/verifying/verify/'],
  },
  check({ image, signature }) {
    const digests = image.repoDigests.length ? image.repoDigests.join(', ') : 'no repo digest (not pulled from a registry)';
    if (signature) {
      if (signature.verified) return [];
      const why = signature.unchecked ? `its signature could not be checked: ${signature.reason}` : `no trusted signature: ${signature.reason}`;
      return [{ message: `${imageName(image)}: ${why}`, severity: signature.unchecked ? 'medium' : 'high', at: { path: 'RepoDigests' }, evidence: `${signature.reference ?? digests}${signature.policy ? `; policy ${signature.policy}` : ''}` }];
    }
    return [{ message: `${imageName(image)}: signature and content trust not checked (no trust.signatures entry in moat.yaml names its signers); confirm it was signed when pushed and its signature is checked before it runs`, at: { path: 'RepoDigests' }, evidence: digests }];
  },
});
