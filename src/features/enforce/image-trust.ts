/**
 * The enforce plugin's image-signature gate: a container create whose image a
 * trust.signatures entry covers is allowed only when the image the daemon would run
 * carries a trusted signature. The daemon says what it would run (the image ID, and the
 * registry digest it was pulled by when it has one); an image loaded or built locally is
 * bound to its registry digest by content instead: the tag's manifest in the registry must
 * name the same config (image ID). Verdicts and tag lookups are cached with a TTL, so a
 * repeated create costs one image inspect on the daemon's socket.
 */
import type { ClientOptions } from '../../doors/engine/client.ts';
import { EngineReader } from '../../doors/engine/reader.ts';
import { MANIFEST_LIMIT } from '../../doors/registry/client.ts';
import { RegistryClient, type RegistryOptions } from '../../doors/registry/client.ts';
import { parseManifest } from '../../doors/registry/manifest.ts';
import { parseImageReference, withDigest, type ImageReference } from '../../doors/registry/reference.ts';
import { signaturePolicyFor, type SignaturePolicy } from '../../doors/signatures/policy.ts';
import { MoatError } from '../../util/errors.ts';
import { SignatureVerifier } from '../verify/verifier.ts';

export const IMAGE_SIGNATURE_RULE = 'enforce-image-signature';

export type GateVerdict = { allow: true; note?: string } | { allow: false; reason: string };

export interface ImageTrustOptions {
  policy: SignaturePolicy;
  /** The daemon the plugin guards (its images are inspected there); a function is asked at the first create. */
  engine?: ClientOptions | (() => ClientOptions);
  registry?: RegistryOptions;
  /** How long verdicts and tag → digest lookups are reused (default 5 minutes). */
  ttlMs?: number;
  now?: () => number;
}

/** More children than this in an index are not searched for the local image. */
const MAX_INDEX_CHILDREN = 32;

export class ImageTrustGate {
  readonly #policy: SignaturePolicy;
  readonly #engineOptions: ClientOptions | (() => ClientOptions);
  readonly #registryOptions: RegistryOptions;
  readonly #verifier: SignatureVerifier;
  readonly #bindings = new Map<string, { at: number; digest: string }>();
  readonly #ttl: number;
  readonly #now: () => number;
  #engine?: Promise<EngineReader>;
  readonly #registries = new Map<string, RegistryClient>();

  constructor(opts: ImageTrustOptions) {
    this.#policy = opts.policy;
    this.#engineOptions = opts.engine ?? {};
    this.#registryOptions = opts.registry ?? {};
    this.#ttl = opts.ttlMs ?? 300_000;
    this.#now = opts.now ?? Date.now;
    this.#verifier = new SignatureVerifier({ registry: this.#registryOptions, ttlMs: this.#ttl, now: this.#now });
  }

  close(): void {
    this.#verifier.close();
    for (const c of this.#registries.values()) c.close();
    void this.#engine?.then((c) => c.close()).catch(() => undefined);
  }

  /** Judges the image of a create request (as the request names it). Never throws: failures deny. */
  async judge(image: string): Promise<GateVerdict> {
    let ref: ImageReference;
    try {
      ref = parseImageReference(image);
    } catch {
      return { allow: true, note: `image ${JSON.stringify(image)} is not a reference a signature policy can cover (an image ID): not checked` };
    }
    const entry = signaturePolicyFor(this.#policy, ref);
    if (!entry || entry.signers.length === 0) return { allow: true };
    try {
      const engine = await (this.#engine ??= EngineReader.connect(typeof this.#engineOptions === 'function' ? this.#engineOptions() : this.#engineOptions).catch((e: unknown) => {
        this.#engine = undefined;
        throw e;
      }));
      const inspect = await engine.image(image);
      // The daemon cannot create from an image it does not have; the create after a pull is judged again.
      if (inspect === undefined) return { allow: true, note: `image ${image} is not in the daemon: it will refuse the create` };
      const repoDigests = inspect.repoDigests;
      const pulled = ref.digest ?? repoDigests.map((d) => parseImageReference(d)).find((d) => d.name === ref.name)?.digest;
      const digest = pulled ?? (await this.#bindByContent(ref, inspect.id));
      if (!digest) return { allow: false, reason: `${image} (image ${inspect.id.slice(0, 19)}) is not what ${ref.name}:${ref.tag ?? ''} names in its registry, and it has no registry digest: no signature can cover it` };
      const r = await this.#verifier.verify({ reference: withDigest(ref, digest), digest }, { signers: entry.signers, ...(entry.references ? { references: entry.references } : {}), ...(entry.root ? { root: entry.root } : {}) });
      if (r.verified) return { allow: true, note: `${ref.name}@${digest} signed by ${r.signer}` };
      return { allow: false, reason: `${image} (${digest}) has no trusted signature: ${r.reason}${entry.at ? ` (policy ${entry.at})` : ''}` };
    } catch (e) {
      const why = e instanceof MoatError || e instanceof Error ? e.message : String(e);
      return { allow: false, reason: `the signature of ${image} could not be verified (${why}): denied rather than let through unchecked` };
    }
  }

  /**
   * The registry digest whose manifest has this image ID as its config: the tag's own
   * manifest, or the child of the index it names. Undefined when the registry's tag names
   * other content than the daemon holds.
   */
  async #bindByContent(ref: ImageReference, imageId: string): Promise<string | undefined> {
    if (!ref.tag) return undefined;
    const key = `${ref.name}:${ref.tag}|${imageId}`;
    const hit = this.#bindings.get(key);
    const now = this.#now();
    if (hit && now - hit.at < this.#ttl) return hit.digest;
    let client = this.#registries.get(ref.domain);
    if (!client) {
      client = new RegistryClient(ref.domain, this.#registryOptions);
      this.#registries.set(ref.domain, client);
    }
    const top = await client.manifest(ref.path, ref.tag);
    if (top.bytes.length > MANIFEST_LIMIT) return undefined;
    const parsed = parseManifest(top.bytes, top.contentType, ref.familiar);
    let digest: string | undefined;
    if (parsed.kind === 'image') digest = parsed.manifest.config.digest === imageId ? top.digest : undefined;
    else {
      for (const child of parsed.index.manifests.slice(0, MAX_INDEX_CHILDREN)) {
        const m = await client.manifest(ref.path, child.digest, child);
        const p = parseManifest(m.bytes, m.contentType, ref.familiar);
        // The index is what cosign signs for a multi-platform tag; the child is what runs.
        if (p.kind === 'image' && p.manifest.config.digest === imageId) {
          digest = top.digest;
          break;
        }
      }
    }
    if (digest) this.#bindings.set(key, { at: now, digest });
    return digest;
  }
}
