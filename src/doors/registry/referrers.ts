import type { RegistryClient } from './client.ts';
import { RegistryError } from './errors.ts';
import { readBody } from './transport.ts';
import { isDigest } from './reference.ts';
import { signatureTag } from './cosign.ts';

/**
 * Sigstore bundles attached to an image as OCI referrers (OCI distribution 1.1): the
 * Referrers API (`GET /v2/<name>/referrers/<digest>`) lists manifests whose `subject` is
 * the image; registries without it (distribution 2.8 among them) keep the same list as
 * an index under the fallback tag `sha256-<hex>`. Each bundle is a manifest whose first
 * layer is the bundle JSON. Fetching only; src/doors/signatures judges them.
 */

export const BUNDLE_MEDIA_PREFIX = 'application/vnd.dev.sigstore.bundle';
const MAX_BUNDLE_BYTES = 1 << 20;
const MAX_REFERRERS = 256;
const INDEX_LIMIT = 4 << 20;

export interface ReferrerBundle {
  foundAt: string;
  bytes?: Buffer;
  problem?: string;
}

export interface ReferrerBundles {
  /** `referrers API` or `fallback tag sha256-…`, or undefined when neither lists anything. */
  via?: string;
  bundles: ReferrerBundle[];
  problem?: string;
}

interface RawDescriptor {
  mediaType?: unknown;
  artifactType?: unknown;
  digest?: unknown;
  size?: unknown;
}

export async function readReferrerBundles(client: RegistryClient, repository: string, digest: string): Promise<ReferrerBundles> {
  const name = `${client.domain}/${repository}`;
  let index: Buffer | undefined;
  let via: string;
  try {
    const res = await client.get(repository, `referrers/${digest}`, 'the referrers list', { Accept: 'application/vnd.oci.image.index.v1+json' });
    index = await readBody(res, INDEX_LIMIT, 'the referrers list', client.apiHost);
    via = `${name} referrers API`;
  } catch (e) {
    // 404 from registries without the API; some answer 400, 405 or 501 instead: all mean "use the fallback tag".
    if (!(e instanceof RegistryError) || ![400, 404, 405, 501].includes(e.status ?? 0)) throw e;
    const tag = signatureTag(digest, '').slice(0, -1);
    via = `${name}:${tag} (referrers fallback tag)`;
    try {
      index = (await client.manifest(repository, tag)).bytes;
    } catch (e2) {
      if (e2 instanceof RegistryError && (e2.code === 'manifest-unknown' || e2.code === 'name-unknown')) return { bundles: [] };
      if (e2 instanceof RegistryError && e2.code === 'too-large') return { via, bundles: [], problem: `the referrers index ${via} is huge: refused unread` };
      throw e2;
    }
  }
  let manifests: RawDescriptor[];
  try {
    const body = JSON.parse(index.toString('utf8')) as { manifests?: unknown };
    if (!Array.isArray(body.manifests)) throw new Error('it has no manifests list');
    manifests = body.manifests as RawDescriptor[];
  } catch (e) {
    return { via, bundles: [], problem: `the referrers index ${via} is malformed: ${(e as Error).message}` };
  }
  const wanted = manifests.filter((d) => typeof d.artifactType === 'string' && d.artifactType.startsWith(BUNDLE_MEDIA_PREFIX));
  if (wanted.length > MAX_REFERRERS) return { via, bundles: [], problem: `${via} lists ${wanted.length} bundles, over Moat's limit of ${MAX_REFERRERS}: refused` };
  const bundles: ReferrerBundle[] = [];
  for (const d of wanted) {
    const foundAt = `${via} → ${String(d.digest)}`;
    if (typeof d.digest !== 'string' || !isDigest(d.digest) || typeof d.size !== 'number') {
      bundles.push({ foundAt, problem: 'the referrer descriptor has no valid digest and size' });
      continue;
    }
    const m = await client.manifest(repository, d.digest, { digest: d.digest, size: d.size });
    let manifest: { subject?: { digest?: unknown }; layers?: RawDescriptor[] };
    try {
      manifest = JSON.parse(m.bytes.toString('utf8')) as typeof manifest;
    } catch {
      bundles.push({ foundAt, problem: 'the bundle manifest is not JSON' });
      continue;
    }
    const layer = manifest.layers?.[0];
    if (manifest.subject?.digest !== digest) bundles.push({ foundAt, problem: `the bundle manifest's subject is ${JSON.stringify(manifest.subject?.digest)}, not ${digest}` });
    else if (!layer || typeof layer.mediaType !== 'string' || !layer.mediaType.startsWith(BUNDLE_MEDIA_PREFIX) || typeof layer.digest !== 'string' || !isDigest(layer.digest) || typeof layer.size !== 'number') {
      bundles.push({ foundAt, problem: 'the bundle manifest has no Sigstore bundle layer' });
    } else if (layer.size > MAX_BUNDLE_BYTES) bundles.push({ foundAt, problem: `the bundle is ${layer.size} bytes, over Moat's limit of ${MAX_BUNDLE_BYTES}: refused unread` });
    else bundles.push({ foundAt, bytes: await client.blobBytes(repository, { digest: layer.digest, size: layer.size }, MAX_BUNDLE_BYTES, `the bundle ${layer.digest}`) });
  }
  return { via, bundles };
}
