import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { MoatError } from '../../../util/errors.ts';
import { formatPlatform, hostPlatform } from '../../../models/platform.ts';

/**
 * The JSON documents of OCI image layouts and `docker save` archives, validated at the
 * edge, and the choice of one image from an index. Shared by every source that reads them.
 */
const str = v.nullish(v.string());
const strList = v.nullish(v.array(v.string()));

export const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;
const digest = v.pipe(v.string(), v.regex(DIGEST, 'must be sha256:<64 hex> or sha512:<128 hex>'));

const Platform = v.object({ os: v.string(), architecture: v.string(), variant: str });

export const Descriptor = v.object({
  mediaType: str,
  digest,
  size: v.pipe(v.number(), v.safeInteger('not an integer'), v.minValue(0, 'negative')),
  platform: v.nullish(Platform),
  annotations: v.nullish(v.record(v.string(), v.string())),
  /** Where else the blob may be fetched from (foreign layers); Moat fetches from the registry, as docker does first. */
  urls: strList,
});
export type Descriptor = v.InferOutput<typeof Descriptor>;

export const ImageIndex = v.object({ mediaType: str, manifests: v.array(Descriptor) });
export const ImageManifestDoc = v.object({ mediaType: str, config: Descriptor, layers: v.array(Descriptor) });

/** `docker save`'s manifest.json (both layouts write it). */
export const DockerSaveManifest = v.array(v.object({ Config: v.string(), RepoTags: strList, Layers: v.array(v.string()) }));

export const ImageConfig = v.object({
  architecture: str,
  os: str,
  variant: str,
  created: str,
  config: v.nullish(
    v.object({
      User: str,
      Env: strList,
      Entrypoint: strList,
      Cmd: strList,
      WorkingDir: str,
      ExposedPorts: v.nullish(v.record(v.string(), v.unknown())),
      Healthcheck: v.nullish(v.object({ Test: strList })),
      Labels: v.nullish(v.record(v.string(), v.string())),
    }),
  ),
  rootfs: v.object({ type: v.string(), diff_ids: v.array(digest) }),
  history: v.nullish(v.array(v.object({ created: str, created_by: str, empty_layer: v.nullish(v.boolean()), comment: str }))),
});
export type ImageConfig = v.InferOutput<typeof ImageConfig>;

export interface ImageManifest {
  /** `sha256:…` of the config blob: the image id. */
  configDigest: string;
  config: ImageConfig;
  /** Base layer first. `key` is what the blob was visited under. */
  layers: ManifestLayer[];
  repoTags: string[];
  repoDigests: string[];
  /** Which layout the bytes were in (for the SBOM and for messages). */
  layout: 'docker-save-legacy' | 'docker-save-oci' | 'oci' | 'registry';
}

export interface ManifestLayer {
  key: string;
  /** Digest of the blob as stored, when the format names one (OCI descriptors, blob file names). */
  digest?: string;
  /** Size as stored, when the format says it. */
  size?: number;
  mediaType?: string;
}

/** Parses a JSON document of the image; an error names the document and the first bad field. */
export function parseImageJson<S extends v.GenericSchema>(schema: S, bytes: Buffer, where: string): v.InferOutput<S> {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new MoatError('incomplete', `${where} is not valid JSON (${(e as Error).message}): the image is corrupt`);
  }
  const r = v.safeParse(schema, data);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new MoatError('incomplete', `${where}${path ? ` at ${path}` : ''}: ${issue.message}: the image is corrupt or not an image`);
}

export function digestOf(bytes: Buffer, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Checks a blob read whole (a manifest, a config) against the digest that names it. */
export function verifyBlob(bytes: Buffer, expected: string, where: string): void {
  const alg = expected.startsWith('sha512:') ? 'sha512' : 'sha256';
  const got = digestOf(bytes, alg);
  if (got !== expected) throw digestMismatch(where, expected, got);
}

export function digestMismatch(where: string, expected: string, got: string): MoatError {
  return new MoatError('incomplete', `${where}: digest mismatch (expected ${expected}, read ${got}): the image is corrupt or was altered; nothing is reported`);
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

export function isIndexDescriptor(d: Descriptor): boolean {
  return INDEX_TYPES.has(d.mediaType ?? '');
}

/**
 * From an index's entries, the one image manifest to read: the only one, or the one for
 * `platform`. Attestation manifests (BuildKit's `unknown/unknown`) are never images.
 */
export function chooseManifest(entries: readonly Descriptor[], platform: string | undefined, where: string): Descriptor {
  const images = entries.filter((d) => d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' && d.platform?.os !== 'unknown');
  if (images.length === 0) throw new MoatError('incomplete', `${where} lists no image manifest`);
  const wanted = platform ?? formatPlatform(hostPlatform());
  if (images.length === 1 && (platform === undefined || !images[0]?.platform)) return images[0] as Descriptor;
  const [os, arch, variant] = wanted.split('/');
  const match = images.filter((d) => d.platform && d.platform.os === os && d.platform.architecture === arch && (variant === undefined || d.platform.variant === variant));
  if (match.length >= 1) return match[0] as Descriptor;
  const have = images.map((d) => (d.platform ? formatPlatform(d.platform) : 'unspecified')).join(', ');
  throw new MoatError('usage', `${where} has no image for platform ${wanted} (it has: ${have}): choose one with --platform`);
}

export function blobKey(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

/**
 * From an OCI layout's index.json to the image to read: follows nested indexes (a
 * multi-platform image), picks the platform, and loads manifest and config through
 * `load`, which must check each blob's size and digest against its descriptor.
 */
export async function resolveOciLayout(indexBytes: Buffer, load: (d: Descriptor, what: string) => Buffer | Promise<Buffer>, options: { platform?: string; where: string }): Promise<ImageManifest> {
  const { where } = options;
  let index = parseImageJson(ImageIndex, indexBytes, `${where}: index.json`);
  let chosen: Descriptor = chooseManifest(index.manifests, options.platform, `${where}: index.json`);
  for (let depth = 0; isIndexDescriptor(chosen); depth++) {
    if (depth > 4) throw new MoatError('incomplete', `${where}: image indexes nest too deep`);
    index = parseImageJson(ImageIndex, await load(chosen, 'image index'), `${where}: index ${chosen.digest}`);
    chosen = chooseManifest(index.manifests, options.platform, `${where}: index ${chosen.digest}`);
  }
  const manifest = parseImageJson(ImageManifestDoc, await load(chosen, 'image manifest'), `${where}: manifest ${chosen.digest}`);
  const config = parseImageJson(ImageConfig, await load(manifest.config, 'image config'), `${where}: config ${manifest.config.digest}`);
  const notes = index.manifests.find((m) => m.digest === chosen.digest)?.annotations ?? {};
  // containerd (and Docker 25+) record the full name; the OCI annotation often only the tag.
  const refName = notes['io.containerd.image.name'] ?? notes['org.opencontainers.image.ref.name'];
  return {
    configDigest: manifest.config.digest,
    config,
    layers: manifest.layers.map((l) => ({ key: blobKey(l.digest), digest: l.digest, size: l.size, ...(l.mediaType ? { mediaType: l.mediaType } : {}) })),
    repoTags: refName ? [refName] : [],
    repoDigests: [],
    layout: 'oci',
  };
}
