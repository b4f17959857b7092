import type { SignatureStatus } from '../../models/signature-status.ts';
import { parseImageReference, type ImageReference } from '../../doors/registry/reference.ts';
import { signaturePolicyFor, type SignaturePolicy } from '../../doors/signatures/policy.ts';
import { MoatError } from '../../util/errors.ts';
import type { SignatureVerifier } from './verifier.ts';

/**
 * The signature status `scan` and `audit` give image-signed-artifacts: the image's
 * registry digests (RepoDigests) are judged against the trust.signatures entry that
 * covers their repository, the first covered one decides. An image whose names a policy
 * covers but which has no registry digest cannot be signed (built locally). Undefined
 * when no entry with signers covers any of its names: the rule then keeps its review.
 */
export async function imageSignatureStatus(verifier: SignatureVerifier, policy: SignaturePolicy | undefined, image: { repoTags: readonly string[]; repoDigests: readonly string[] }): Promise<SignatureStatus | undefined> {
  for (const rd of image.repoDigests) {
    const ref = parse(rd);
    if (!ref?.digest) continue;
    const entry = signaturePolicyFor(policy, ref);
    if (!entry || entry.signers.length === 0) continue;
    const policyAt = entry.at ? { policy: entry.at } : {};
    try {
      const r = await verifier.verify({ reference: ref, digest: ref.digest }, { signers: entry.signers, ...(entry.references ? { references: entry.references } : {}), ...(entry.root ? { root: entry.root } : {}) });
      return r.verified ? { verified: true, reference: rd, signer: r.signer!, ...policyAt } : { verified: false, reference: rd, reason: r.reason!, ...(r.code ? { code: r.code } : {}), ...policyAt };
    } catch (e) {
      if (!(e instanceof MoatError)) throw e;
      return { verified: false, unchecked: true, reference: rd, reason: e.message, ...policyAt };
    }
  }
  for (const tag of image.repoTags) {
    const ref = parse(tag);
    const entry = ref && signaturePolicyFor(policy, ref);
    if (!entry || entry.signers.length === 0) continue;
    return { verified: false, code: 'no-signature', reason: `no registry digest: ${tag} was built locally or never pushed, so no signature can name it`, ...(entry.at ? { policy: entry.at } : {}) };
  }
  return undefined;
}

function parse(s: string): ImageReference | undefined {
  try {
    return parseImageReference(s);
  } catch {
    return undefined;
  }
}
