import type { ClientOptions } from '../../doors/engine/client.ts';
import { EngineReader } from '../../doors/engine/reader.ts';
import type { ImageTarget } from '../../doors/image/target.ts';
import { RegistryClient, type RegistryOptions } from '../../doors/registry/client.ts';
import { resolveDigest } from '../../doors/registry/cosign.ts';
import { parseImageReference, withDigest, type ImageReference } from '../../doors/registry/reference.ts';
import type { Signer } from '../../doors/signatures/policy.ts';
import type { SigstoreTrustedRoot } from '../../doors/signatures/trusted-root.ts';
import { verifyImageSignatures, type VerifyResult } from '../../doors/signatures/verify-image.ts';
import { MoatError } from '../../util/errors.ts';

/**
 * Verifies images by reference, as `moat verify`, `scan`, `audit` and `enforce` need:
 * a tag is resolved to the digest its registry serves, an engine image to the registry
 * digest it was pulled by (its RepoDigests), and verdicts are cached per digest and
 * signer set for `ttlMs`, so the enforce plugin answers repeat creates without the network.
 */

export interface Requirement {
  signers: readonly Signer[];
  references?: readonly string[];
  root?: SigstoreTrustedRoot;
}

export interface VerifierOptions {
  registry?: RegistryOptions;
  engine?: ClientOptions;
  /** How long a verdict (verified or not) is reused; 0 disables the cache. Default 5 minutes. */
  ttlMs?: number;
  /** Verdicts kept at most (oldest dropped first). */
  maxEntries?: number;
  now?: () => number;
}

export interface ResolvedImage {
  reference: ImageReference;
  digest: string;
}

export class SignatureVerifier {
  readonly #options: VerifierOptions;
  readonly #clients = new Map<string, RegistryClient>();
  readonly #cache = new Map<string, { at: number; result: VerifyResult }>();
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: VerifierOptions = {}) {
    this.#options = options;
    this.#ttl = options.ttlMs ?? 300_000;
    this.#max = options.maxEntries ?? 4096;
    this.#now = options.now ?? Date.now;
  }

  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }

  #client(domain: string): RegistryClient {
    let c = this.#clients.get(domain);
    if (!c) {
      c = new RegistryClient(domain, this.#options.registry);
      this.#clients.set(domain, c);
    }
    return c;
  }

  /** A registry reference pinned to the digest its tag names now (a digest reference as it is). */
  async resolveRegistry(reference: string | ImageReference): Promise<ResolvedImage> {
    const ref = typeof reference === 'string' ? parseImageReference(reference) : reference;
    const digest = ref.digest ?? (await resolveDigest(this.#client(ref.domain), ref.path, ref.tag!));
    return { reference: withDigest(ref, digest), digest };
  }

  /**
   * An engine image's registry digest: the RepoDigest of the repository it was named by,
   * else its only one. An image built locally and never pushed has none, and then no
   * signature can name it: that is a verdict, so it resolves to undefined with the reason.
   */
  async resolveEngine(reference: string): Promise<ResolvedImage | { reason: string }> {
    const reader = await EngineReader.connect(this.#options.engine);
    try {
      const image = await reader.image(reference);
      if (image === undefined) throw new MoatError('usage', `no image "${reference}" in the engine at ${reader.display}: pull it first, or verify registry:${reference}`);
      return pickRepoDigest(reference, image.repoDigests);
    } finally {
      reader.close();
    }
  }

  async resolveTarget(target: ImageTarget): Promise<ResolvedImage | { reason: string }> {
    if (target.kind === 'registry') return this.resolveRegistry(target.reference);
    if (target.kind === 'engine') return this.resolveEngine(target.reference);
    throw new MoatError('usage', `verify reads signatures from a registry: give an engine image or registry:REF, not ${target.kind} (a signature names a registry digest)`);
  }

  /** The verdict for a resolved image, from the cache while it is fresh. */
  async verify(image: ResolvedImage, requirement: Requirement): Promise<VerifyResult> {
    const key = cacheKey(image, requirement);
    const now = this.#now();
    const hit = this.#cache.get(key);
    if (hit && now - hit.at < this.#ttl) return hit.result;
    const result = await verifyImageSignatures({ client: this.#client(image.reference.domain), reference: image.reference, digest: image.digest, signers: requirement.signers, ...(requirement.references ? { references: requirement.references } : {}), ...(requirement.root ? { root: requirement.root } : {}) });
    if (this.#ttl > 0) {
      this.#cache.delete(key);
      this.#cache.set(key, { at: now, result });
      if (this.#cache.size > this.#max) this.#cache.delete(this.#cache.keys().next().value!);
    }
    return result;
  }
}

function pickRepoDigest(reference: string, digests: string[]): ResolvedImage | { reason: string } {
  if (digests.length === 0) return { reason: `no registry digest: image ${reference} was built locally or never pushed, so no signature can name it (push it and verify registry:REF)` };
  let wanted: string | undefined;
  try {
    wanted = parseImageReference(reference).name;
  } catch {
    wanted = undefined; // an image id: any of its RepoDigests
  }
  const parsed = digests.map((d) => parseImageReference(d));
  const chosen = parsed.find((r) => r.name === wanted) ?? (parsed.length === 1 || wanted === undefined ? parsed[0] : undefined);
  if (!chosen) return { reason: `no registry digest for ${wanted}: image ${reference} was pulled as ${parsed.map((p) => p.name).join(', ')}` };
  return { reference: chosen, digest: chosen.digest! };
}

function cacheKey(image: ResolvedImage, r: Requirement): string {
  const signers = r.signers.map((s) => (s.kind === 'key' ? `k:${s.key.fingerprint}` : `i:${s.subject}|${s.issuer}`)).join(',');
  return `${image.reference.name}@${image.digest}|${signers}|${(r.references ?? []).join(',')}|${r.root?.source ?? ''}`;
}
