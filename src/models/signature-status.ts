/**
 * Whether an image carries a signature from a signer moat.yaml's `trust.signatures`
 * trusts for it: what `scan` and `audit` hand the image rules (image-signed-artifacts),
 * computed by src/verify. Absent when no signer policy covers the image.
 */
export interface SignatureStatus {
  verified: boolean;
  /** `name@digest` judged (absent when the image has no registry digest). */
  reference?: string;
  /** Who signed, when verified. */
  signer?: string;
  /** One line: why not verified. */
  reason?: string;
  /** The moat.yaml entry (file:line) that asked for the signature. */
  policy?: string;
  /** Why not verified, as verify names it: `no-signature` is an unsigned image; any other code, a signature that does not hold or no trusted signer's. */
  code?: string;
  /** True when the registry could not be asked: the status is unknown, not a bad signature. */
  unchecked?: boolean;
}
