import * as v from 'valibot';
import { RegistryError } from './errors.ts';
import { Descriptor as OciDescriptor, ImageConfig as ConfigSchema, ImageIndex, ImageManifestDoc } from '../image/sources/oci.ts';

/** Media types of the manifests Moat reads, in the order of preference it sends as Accept. */
export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(', ');

const SCHEMA1 = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * What each layer media type needs to become a tar stream. Docker's "foreign" and OCI's
 * "non-distributable" layers are the same bytes with a different licence note: they are
 * fetched from the registry like the others (docker does the same before trying `urls`).
 */
const LAYER_COMPRESSION: Record<string, Compression> = {
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'none',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd': 'zstd',
};

export function layerCompression(mediaType: string): Compression | undefined {
  return LAYER_COMPRESSION[mediaType];
}

/**
 * A registry's manifests and indexes are the OCI documents every door reads with one set of
 * schemas (doors/image/sources/oci.ts); a registry must also say what each descriptor is
 * (its media type picks the layer's compression) and which schema version it speaks.
 */
const annotations = v.optional(v.record(v.string(), v.string()));
const DescriptorSchema = v.object({ ...OciDescriptor.entries, mediaType: v.string() });
export type Descriptor = v.InferOutput<typeof DescriptorSchema>;

const ImageManifestSchema = v.object({
  ...ImageManifestDoc.entries,
  schemaVersion: v.literal(2),
  mediaType: v.optional(v.string()),
  config: DescriptorSchema,
  layers: v.array(DescriptorSchema),
  annotations,
});

const IndexSchema = v.object({
  ...ImageIndex.entries,
  schemaVersion: v.literal(2),
  mediaType: v.optional(v.string()),
  manifests: v.array(DescriptorSchema),
  annotations,
});

export type ImageManifest = v.InferOutput<typeof ImageManifestSchema> & { mediaType: string };
export type ImageIndex = v.InferOutput<typeof IndexSchema> & { mediaType: string };
export type Manifest = { kind: 'image'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

/**
 * Parses a manifest the registry sent. The body's own `mediaType` wins over the
 * Content-Type header (some registries send `application/json`); OCI manifests may omit
 * both, and then the shape decides. `where` names the manifest in errors.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined, where: string): Manifest {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new RegistryError('protocol', `the manifest of ${where} is not JSON (${bytes.length} bytes): ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RegistryError('protocol', `the manifest of ${where} is not a JSON object`);
  const declared = (body as { mediaType?: unknown }).mediaType;
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  const mediaType = typeof declared === 'string' ? declared : header;
  if ((body as { schemaVersion?: unknown }).schemaVersion === 1 || (mediaType !== undefined && SCHEMA1.has(mediaType))) {
    throw new RegistryError(
      'unsupported',
      `${where} is a Docker schema 1 manifest (deprecated; current docker refuses to pull it too); Moat reads only schema 2 and OCI images: re-push the image with a current docker`,
    );
  }
  const isIndex = mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList || (mediaType !== MEDIA.ociManifest && mediaType !== MEDIA.dockerManifest && 'manifests' in body);
  if (isIndex) {
    const index = validate(IndexSchema, body, where, 'index');
    return { kind: 'index', index: { ...index, mediaType: mediaType === MEDIA.dockerList ? MEDIA.dockerList : MEDIA.ociIndex } };
  }
  if (mediaType !== undefined && mediaType !== MEDIA.ociManifest && mediaType !== MEDIA.dockerManifest && !(mediaType === 'application/json' && 'layers' in body)) {
    throw new RegistryError('unsupported', `${where} has media type ${JSON.stringify(mediaType)}, which is not an image manifest or index Moat can read`);
  }
  const manifest = validate(ImageManifestSchema, body, where, 'image manifest');
  return { kind: 'image', manifest: { ...manifest, mediaType: mediaType === MEDIA.dockerManifest ? MEDIA.dockerManifest : MEDIA.ociManifest } };
}

/** The image config, read with the one schema every door that meets an OCI config uses (doors/image/sources/oci.ts). */
export type ImageConfig = v.InferOutput<typeof ConfigSchema>;

export function parseImageConfig(bytes: Buffer, where: string): ImageConfig {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new RegistryError('protocol', `the config blob of ${where} is not JSON (${bytes.length} bytes): ${(e as Error).message}`);
  }
  return validate(ConfigSchema, body, where, 'image config');
}

function validate<S extends v.GenericSchema>(schema: S, body: unknown, where: string, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, body);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new RegistryError('protocol', `the ${what} of ${where} is malformed${path ? ` at ${path}` : ''}: ${issue.message}`);
}
