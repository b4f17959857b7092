import type { Readable } from 'node:stream';
import { RegistryClient, type RegistryOptions } from './client.ts';
import { RegistryError } from './errors.ts';
import { layerCompression, MEDIA, parseImageConfig, parseManifest, type Compression, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest } from './manifest.ts';
import { formatPlatform, hostPlatform, normalizePlatform, parsePlatform, selectPlatform, type Platform } from './platform.ts';
import { parseImageReference, type ImageReference } from './reference.ts';

export interface OpenRegistryImageOptions extends RegistryOptions {
  /**
   * `os/arch[/variant]` to pick from a multi-platform index (default: this machine's).
   * Given explicitly, it must also match a single-platform image's config.
   */
  platform?: string | Platform;
}

export interface RegistryLayer {
  /** Position in the manifest (0 is the base layer). */
  index: number;
  digest: string;
  size: number;
  mediaType: string;
  /** What the caller must undo to get the tar stream. */
  compression: Compression;
  /** The uncompressed tar's digest from the config (`rootfs.diff_ids`), for the reader to check. */
  diffId: string;
  /** Where a "foreign"/non-distributable layer may also be found (informational; never fetched). */
  urls?: string[];
  /** The compressed bytes, streamed; errors unless size and digest match. Each call downloads anew. */
  open(): Promise<Readable>;
}

export interface RegistryImage {
  /** The reference as asked for, normalised (`nginx` → docker.io/library/nginx:latest). */
  reference: ImageReference;
  /** Digest of the image manifest read (the platform's, when the reference named an index). */
  digest: string;
  /** Digest of the index the reference named, when it named one. */
  indexDigest?: string;
  /** `name@digest` of what the reference resolved to, as docker's RepoDigests shows it. */
  repoDigest: string;
  platform: Platform;
  manifest: ImageManifest;
  manifestBytes: Buffer;
  index?: ImageIndex;
  config: { digest: string; size: number; mediaType: string; bytes: Buffer; json: ImageConfig };
  layers: RegistryLayer[];
  /** Releases the connections; layers cannot be opened afterwards. */
  close(): void;
}

/** Configs are JSON with the image's history; real ones are kilobytes, a few are megabytes. */
export const CONFIG_LIMIT = 32 << 20;
/** An index may name an index (OCI allows it); more than this many levels is refused. */
const MAX_INDEX_DEPTH = 3;

/**
 * Resolves a reference in its registry to one image: fetches the manifest (picking the
 * platform from an index), the config, and describes the layers, which the caller then
 * streams one by one. Everything fetched is verified against the digest that named it.
 */
export async function openRegistryImage(ref: string | ImageReference, options: OpenRegistryImageOptions = {}): Promise<RegistryImage> {
  const reference = typeof ref === 'string' ? parseImageReference(ref) : ref;
  const explicit = options.platform !== undefined;
  const wanted = options.platform === undefined ? hostPlatform() : typeof options.platform === 'string' ? parsePlatform(options.platform) : normalizePlatform(options.platform);
  const client = new RegistryClient(reference.domain, options);
  try {
    return await resolve(client, reference, wanted, explicit);
  } catch (e) {
    client.close();
    throw e;
  }
}

async function resolve(client: RegistryClient, reference: ImageReference, wanted: Platform, explicit: boolean): Promise<RegistryImage> {
  const repo = reference.path;
  let fetched = await client.manifest(repo, reference.digest ?? reference.tag!);
  let parsed = parseManifest(fetched.bytes, fetched.contentType, reference.familiar);
  let index: ImageIndex | undefined;
  let indexDigest: string | undefined;
  let chosen: Descriptor | undefined;
  for (let depth = 0; parsed.kind === 'index'; depth++) {
    if (depth >= MAX_INDEX_DEPTH) throw new RegistryError('unsupported', `${reference.familiar} nests indexes more than ${MAX_INDEX_DEPTH} deep; Moat stops there`);
    index ??= parsed.index;
    indexDigest ??= fetched.digest;
    chosen = selectPlatform(parsed.index.manifests, wanted, reference.familiar);
    fetched = await client.manifest(repo, chosen.digest, chosen);
    parsed = parseManifest(fetched.bytes, fetched.contentType, `${reference.familiar} (${formatPlatform(wanted)})`);
  }
  const manifest = parsed.manifest;
  const where = reference.familiar;
  const cfg = manifest.config;
  if (cfg.mediaType !== MEDIA.ociConfig && cfg.mediaType !== MEDIA.dockerConfig) {
    throw new RegistryError('unsupported', `${where} is not a container image: its config has media type ${JSON.stringify(cfg.mediaType)} (an OCI artifact such as a signature, SBOM or chart)`);
  }
  const configBytes = await client.blobBytes(repo, cfg, CONFIG_LIMIT, `the config blob ${cfg.digest}`);
  const config = parseImageConfig(configBytes, where);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new RegistryError('protocol', `${where}: the manifest lists ${manifest.layers.length} layers but the config's rootfs.diff_ids lists ${diffIds.length}; the image is inconsistent`);
  }
  const platform = config.os && config.architecture ? normalizePlatform({ os: config.os, architecture: config.architecture, variant: config.variant }) : (chosen?.platform ? normalizePlatform(chosen.platform) : wanted);
  if (explicit && !index && (platform.os !== wanted.os || platform.architecture !== wanted.architecture)) {
    throw new RegistryError('platform', `${where} is a single-platform image for ${formatPlatform(platform)}, not ${formatPlatform(wanted)}: drop --platform or choose ${formatPlatform(platform)}`);
  }
  const layers = manifest.layers.map((d, i): RegistryLayer => {
    const compression = layerCompression(d.mediaType);
    if (compression === undefined) throw new RegistryError('unsupported', `${where}: layer ${i} (${d.digest}) has media type ${JSON.stringify(d.mediaType)}, which is not a tar layer Moat can read`);
    const what = `layer ${i} (blob ${d.digest})`;
    return {
      index: i,
      digest: d.digest,
      size: d.size,
      mediaType: d.mediaType,
      compression,
      diffId: diffIds[i]!,
      ...(d.urls ? { urls: d.urls } : {}),
      open: () => client.openBlob(repo, d, what),
    };
  });
  return {
    reference,
    digest: fetched.digest,
    ...(indexDigest ? { indexDigest } : {}),
    repoDigest: `${reference.name}@${indexDigest ?? fetched.digest}`,
    platform,
    manifest,
    manifestBytes: fetched.bytes,
    ...(index ? { index } : {}),
    config: { digest: cfg.digest, size: cfg.size, mediaType: cfg.mediaType, bytes: configBytes, json: config },
    layers,
    close: () => client.close(),
  };
}
