import type { FileRange } from './layer/tar-file.ts';
import type { ImageManifest } from './sources/oci.ts';

export type { ImageManifest, ManifestLayer } from './sources/oci.ts';

/**
 * Where an image comes from. Every source (the engine, a `docker save` archive, an OCI
 * layout, and next a registry) implements this one interface, and the reader
 * (src/doors/image/read-image.ts) does the rest: layer parsing, digest checks, merging.
 *
 * A source calls `visit` once for every blob that may be a layer, in whatever order its
 * format delivers them. `docker save` puts manifest.json at the end of the stream, so the
 * reader cannot know the layer order (or even which blobs are layers) while they stream
 * past: it reads each blob into a per-blob record, and orders them by the manifest that
 * `read` resolves with. A registry source knows the manifest first; it may call `visit`
 * concurrently for several blobs. A visitor may stop reading a blob early (it is not a
 * layer, or it is malformed): the source then discards the rest of it.
 *
 * A source checks what only it can check (the config's digest against its name, a blob's
 * size against its descriptor) and reports in `ImageManifest` the digests the format
 * gives for each layer; the reader checks every layer against them.
 */
export interface ImageSource {
  /** For messages and SBOM metadata: `debian:12`, `docker-archive:/tmp/img.tar`, `oci:/srv/layout`. */
  readonly name: string;
  readonly kind: SourceKind;
  read(visit: BlobVisitor, options: ReadOptions): Promise<ImageManifest>;
}

export type SourceKind = 'engine' | 'docker-archive' | 'oci-archive' | 'oci' | 'registry' | 'rootfs';

/**
 * `file`, when the blob is a range of a file on disk (an archive read from disk): the
 * reader may then read it by position instead of through `bytes` (and hash it on another
 * core). A source that gives `file` may visit several blobs at once, and keeps the file
 * open until every visit has settled.
 */
export type BlobVisitor = (blob: { key: string; bytes: AsyncIterable<Buffer>; file?: FileRange }) => Promise<void>;

export interface ReadOptions {
  signal?: AbortSignal;
  /** Which image of a multi-platform index: `linux/amd64`, `linux/arm64/v8`. Default: the host's. */
  platform?: string;
}

