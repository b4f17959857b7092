import { parseImageReference, type ImageReference } from '../registry/reference.ts';
import { registryMatches } from '../../models/image-trust.ts';
import { globMatches } from '../../util/glob.ts';
import type { PublicKey } from './keys.ts';
import type { SigstoreTrustedRoot } from './trusted-root.ts';

/**
 * Who must have signed an image, from moat.yaml's `trust.signatures` or the command line.
 * One matcher (`signaturePolicyFor`) picks the entry for an image; verify, scan, audit,
 * lint and enforce all ask it, so they never disagree about which images need what.
 */

export type Signer =
  | { kind: 'key'; key: PublicKey }
  /** A keyless (Fulcio) identity: the certificate's subject (email or URI) and the OIDC issuer that vouched for it. */
  | { kind: 'identity'; subject: string; issuer: string };

export interface SignaturePolicyEntry {
  /** Image patterns, as trust.registries takes them (`host`, `*.domain`, `host/path`) or globs over the full name (`ghcr.io/acme/*`). */
  images: string[];
  signers: Signer[];
  /** Tags must be pinned to digests (`FROM x@sha256:…`, `image: x@sha256:…`). */
  requireDigest: boolean;
  /** Patterns the signed docker-reference may match; absent: it must name the image's own repository. */
  references?: string[];
  /** The Sigstore trusted root keyless identities are checked against. */
  root?: SigstoreTrustedRoot;
  /** Where the entry is written (moat.yaml:line), for findings and errors. */
  at?: string;
}

export interface SignaturePolicy {
  entries: SignaturePolicyEntry[];
}

/** The first entry whose patterns match the image (entries are written most specific first). */
export function signaturePolicyFor(policy: SignaturePolicy | undefined, image: { domain: string; path: string }): SignaturePolicyEntry | undefined {
  return policy?.entries.find((e) => e.images.some((p) => imagePatternMatches(p, image.domain, image.path)));
}

/** Whether a policy asks for signatures at all (scan and audit report signature status only then). */
export function hasSignerPolicy(policy: SignaturePolicy | undefined): boolean {
  return (policy?.entries ?? []).some((e) => e.signers.length > 0);
}

/**
 * `*` (every image), a registry pattern (`127.0.0.1:5000`, `*.example.com`,
 * `docker.io/library`: that repository or those under it), or a glob over the normalised
 * name (`ghcr.io/acme/*`, `nginx` → docker.io/library/nginx).
 */
export function imagePatternMatches(pattern: string, domain: string, path: string): boolean {
  const p = pattern.trim();
  if (p === '*' || (p.startsWith('*.') && !p.includes('/'))) return registryMatches(p, domain, path);
  const normalised = normalisePattern(p);
  if (normalised.includes('*')) return globMatches(normalised, `${domain}/${path}`);
  return registryMatches(normalised, domain, path);
}

function normalisePattern(p: string): string {
  const slash = p.indexOf('/');
  const first = slash < 0 ? p : p.slice(0, slash);
  const hasDomain = slash >= 0 && (first === 'localhost' || /[.:]/.test(first) || first.startsWith('*'));
  if (hasDomain) return first === 'index.docker.io' ? `docker.io${p.slice(slash)}` : p;
  return slash < 0 ? `docker.io/library/${p}` : `docker.io/${p}`;
}

/**
 * Whether the payload's signed docker-reference is acceptable for `image`: it names the
 * same repository (a tag or digest in it is ignored, as cosign writes none), or, when the
 * policy lists reference patterns, matches one of them.
 */
export function referenceAccepted(signed: string, image: ImageReference, patterns: readonly string[] | undefined): { ok: true } | { ok: false; reason: string } {
  let ref: ImageReference;
  try {
    ref = parseImageReference(signed);
  } catch {
    return { ok: false, reason: `the signed docker-reference ${JSON.stringify(signed.slice(0, 200))} is not an image reference` };
  }
  if (patterns?.length) {
    if (patterns.some((p) => imagePatternMatches(p, ref.domain, ref.path))) return { ok: true };
    return { ok: false, reason: `the signature is for ${ref.name}, which matches none of the policy's references (${patterns.join(', ')})` };
  }
  if (ref.name === image.name) return { ok: true };
  return { ok: false, reason: `the signature is for ${ref.name}, not ${image.name} (a signature copied from another repository; list it in the policy's references to accept it)` };
}

export function describeSigner(s: Signer): string {
  return s.kind === 'key' ? `key ${s.key.source} (${s.key.fingerprint})` : `identity ${s.subject} from ${s.issuer}`;
}
