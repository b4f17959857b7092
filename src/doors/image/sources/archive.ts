import { closeSync, createReadStream, openSync, statSync } from 'node:fs';
import { MoatError } from '../../../util/errors.ts';
import { EngineError } from '../../engine/errors.ts';
import { decompress, peek, sniffCompression } from '../layer/decompress.ts';
import { printable } from '../layer/read-layer.ts';
import { drain, forEachTarEntry, readSmall } from '../layer/tar-entries.ts';
import { preadExact, rangeBytes, walkTarFile } from '../layer/tar-file.ts';
import { normalizeEntryPath, parentOf, joinPath } from '../files/paths.ts';
import type { BlobVisitor, ImageManifest, ImageSource, ManifestLayer, ReadOptions } from '../source.ts';
import { blobKey, digestOf, DockerSaveManifest, ImageConfig, parseImageJson, resolveOciLayout, verifyBlob, type Descriptor } from './oci.ts';

/** JSON documents (manifests, configs) are small; anything bigger under such a name is not one. */
const JSON_LIMIT = 16 * 1024 * 1024;
const JSON_TOTAL_LIMIT = 64 * 1024 * 1024;
const BLOB = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/;

/**
 * Reads an image archive in one pass, whichever layout it has: `docker save`'s legacy
 * layout (`<id>/layer.tar`, `<id>.json`, manifest.json at the end), its OCI layout
 * (Docker 25+: `blobs/sha256/…`, legacy names as symlinks to them, index.json and
 * manifest.json), or a plain OCI image layout tar. The archive itself may be gzipped.
 * Layer-like entries are handed to `visit` as they stream past; JSON documents are kept
 * (bounded) to find the manifest at the end.
 */
export async function readImageArchive(bytes: AsyncIterable<Buffer>, visit: BlobVisitor, options: ReadOptions & { where: string; ref?: string }): Promise<ImageManifest> {
  const { head, all } = await peek(bytes);
  const outer = decompress(all, sniffCompression(head));
  const found = new ArchiveContents(options.where);
  try {
    await forEachTarEntry(
      outer,
      async (entry) => {
        const what = found.classify(entry.header);
        if (!what) {
          await drain(entry);
          return;
        }
        const { head: first, all: rest } = await peek(entry, 1);
        if (found.isDocument(what, first, entry.header.size)) {
          found.keep(what.path, await readSmall(rest, JSON_LIMIT));
          return;
        }
        await visit({ key: what.path, bytes: rest });
        await drain(rest);
      },
      options.signal,
    );
  } catch (e) {
    throw archiveFailure(e, options.where);
  }
  return found.manifest(options);
}

/**
 * The same read of an uncompressed archive on disk, by position: its entries' headers are
 * walked without reading the layers in between, and each layer is handed over as a range of
 * the file, so the layers are read (and hashed) side by side. `fd` stays open until this
 * settles.
 */
async function readImageArchiveFile(fd: number, size: number, visit: BlobVisitor, options: ReadOptions & { where: string; ref?: string }): Promise<ImageManifest> {
  const found = new ArchiveContents(options.where);
  const visits: Promise<void>[] = [];
  let failure: unknown;
  try {
    for (const { header, dataOffset, available } of walkTarFile({ fd, offset: 0, size }, options.signal)) {
      const what = found.classify(header);
      // An entry cut short by the end of the file: the walk fails next, as the stream read does.
      if (!what || (available < header.size && header.type !== 'directory')) continue;
      const first = preadExact(fd, dataOffset, Math.min(1, header.size));
      if (found.isDocument(what, first, header.size)) {
        found.keep(what.path, header.size <= JSON_LIMIT ? preadExact(fd, dataOffset, header.size) : undefined);
        continue;
      }
      const file = { fd, offset: dataOffset, size: header.size };
      const visiting = visit({ key: what.path, bytes: rangeBytes(fd, dataOffset, header.size), file });
      // Settled below, after the walk; the first failure is the one reported.
      visiting.catch((e: unknown) => (failure ??= e));
      visits.push(visiting);
    }
  } catch (e) {
    failure ??= e;
  }
  await Promise.allSettled(visits);
  if (failure !== undefined) throw archiveFailure(failure, options.where);
  return found.manifest(options);
}

/** What one pass over an archive has found: its JSON documents, its links, its entry count. */
class ArchiveContents {
  readonly docs = new Map<string, Buffer>();
  readonly aliases = new Map<string, string>();
  private docBytes = 0;
  private entries = 0;
  private readonly where: string;

  constructor(where: string) {
    this.where = where;
  }

  /** The entry's normalized path when it may be a document or a layer; undefined to skip it (links are noted). */
  classify(h: { name: string; type: string | null; linkname?: string | null }): { path: string; isDoc: boolean } | undefined {
    this.entries++;
    const norm = normalizeEntryPath(h.name);
    if (!norm.ok) throw new MoatError('incomplete', `${this.where}: archive entry "${printable(h.name)}" ${norm.reason}: not a valid image archive`);
    const path = norm.path;
    if (h.type === 'symlink' || h.type === 'link') {
      // Docker 25+ writes `<id>/layer.tar` as a link to `blobs/sha256/<digest>`.
      const target = normalizeEntryPath(h.type === 'symlink' && !(h.linkname ?? '').startsWith('/') ? joinPath(parentOf(path), h.linkname ?? '') : (h.linkname ?? ''));
      if (target.ok) this.aliases.set(path, target.path);
      return undefined;
    }
    if (h.type !== 'file' && h.type !== 'contiguous-file') return undefined;
    const isDoc = path === 'manifest.json' || path === 'index.json' || path === 'oci-layout' || path === 'repositories' || path.endsWith('.json');
    const mayBeLayer = BLOB.test(path) || path.endsWith('/layer.tar') || path.endsWith('.tar') || path.endsWith('.tar.gz');
    return isDoc || mayBeLayer ? { path, isDoc } : undefined;
  }

  /** A document by its name, or a blob that starts like JSON and is small enough to be one. */
  isDocument(what: { isDoc: boolean }, first: Buffer, size: number): boolean {
    const looksJson = first.length > 0 && (first[0] === 0x7b || first[0] === 0x5b); // '{' or '['
    return what.isDoc || (looksJson && size <= JSON_LIMIT);
  }

  /** `doc` undefined: it was over JSON_LIMIT. */
  keep(path: string, doc: Buffer | undefined): void {
    if (!doc) throw new MoatError('incomplete', `${this.where}: ${path} is larger than ${JSON_LIMIT / 1024 / 1024} MiB: not an image document`);
    this.docBytes += doc.length;
    if (this.docBytes > JSON_TOTAL_LIMIT) throw new MoatError('incomplete', `${this.where}: more than ${JSON_TOTAL_LIMIT / 1024 / 1024} MiB of JSON documents: not an image archive`);
    this.docs.set(path, doc);
  }

  manifest(options: ReadOptions & { where: string; ref?: string }): Promise<ImageManifest> | ImageManifest {
    const { where } = options;
    const { docs, aliases, entries } = this;
    if (entries === 0) throw new MoatError('incomplete', `${where} is empty: not an image archive`);
    const resolve = (p: string): string => {
      let cur = p;
      for (let i = 0; i < 16 && aliases.has(cur); i++) cur = aliases.get(cur) as string;
      return cur;
    };
    const doc = (p: string, what: string): Buffer => {
      const d = docs.get(resolve(p));
      if (!d) throw new MoatError('incomplete', `${where}: ${what} ${p} is missing from the archive: it is incomplete`);
      return d;
    };
    if (docs.has('manifest.json')) return fromDockerManifest(docs, doc, resolve, options);
    if (docs.has('index.json')) return resolveOciLayout(doc('index.json', 'the index'), (d, what) => blob(doc, d, where, what), options);
    throw new MoatError('incomplete', `${where} has neither manifest.json nor index.json: it is not a docker save archive or an OCI layout${entries > 0 ? '' : ' (no entries)'}`);
  }
}

function archiveFailure(e: unknown, where: string): unknown {
  if (e instanceof MoatError || e instanceof EngineError || (e instanceof Error && e.name === 'AbortError')) return e;
  return new MoatError('incomplete', `${where}: ${archiveError(e)}`);
}

function fromDockerManifest(
  docs: Map<string, Buffer>,
  doc: (p: string, what: string) => Buffer,
  resolve: (p: string) => string,
  options: ReadOptions & { where: string; ref?: string },
): ImageManifest {
  const { where } = options;
  const images = parseImageJson(DockerSaveManifest, docs.get('manifest.json') as Buffer, `${where}: manifest.json`);
  let chosen = images[0];
  if (images.length !== 1) {
    const byRef = options.ref ? images.filter((i) => (i.RepoTags ?? []).some((t) => t === options.ref || t === `${options.ref}:latest`)) : [];
    if (byRef.length !== 1) {
      const tags = images.map((i) => (i.RepoTags ?? []).join(',') || i.Config).join('; ');
      throw new MoatError('usage', `${where} holds ${images.length} images (${tags}): save one image per archive`);
    }
    chosen = byRef[0];
  }
  if (!chosen) throw new MoatError('incomplete', `${where}: manifest.json lists no image`);
  const configKey = resolve(chosen.Config);
  const configBytes = doc(chosen.Config, 'the image config');
  const configDigest = digestFromName(configKey);
  if (configDigest) verifyBlob(configBytes, configDigest, `${where}: config ${chosen.Config}`);
  const config = parseImageJson(ImageConfig, configBytes, `${where}: config ${chosen.Config}`);
  const layers: ManifestLayer[] = chosen.Layers.map((l) => {
    const key = resolve(l);
    const digest = digestFromName(key);
    return { key, ...(digest ? { digest } : {}) };
  });
  return {
    configDigest: configDigest ?? digestOf(configBytes),
    config,
    layers,
    repoTags: chosen.RepoTags ?? [],
    repoDigests: [],
    layout: layers.some((l) => BLOB.test(l.key)) ? 'docker-save-oci' : 'docker-save-legacy',
  };
}

function blob(doc: (p: string, what: string) => Buffer, d: Descriptor, where: string, what: string): Buffer {
  const bytes = doc(blobKey(d.digest), `the ${what}`);
  if (bytes.length !== d.size) throw new MoatError('incomplete', `${where}: ${what} ${d.digest} is ${bytes.length} bytes, its descriptor says ${d.size}: the image is corrupt`);
  verifyBlob(bytes, d.digest, `${where}: ${what}`);
  return bytes;
}

function digestFromName(key: string): string | undefined {
  const m = BLOB.exec(key) ?? /^([0-9a-f]{64})\.json$/.exec(key);
  if (!m) return undefined;
  return m.length === 3 ? `${m[1]}:${m[2]}` : `sha256:${m[1]}`;
}

function archiveError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Unexpected end of data|unexpected end of file/i.test(msg)) return 'the archive is truncated (it ends in the middle of an entry): re-create it';
  if (/Invalid tar header|Header exceeds max size|Invalid header/i.test(msg)) return `not a tar archive (${msg})`;
  return msg;
}

/** A `docker save` archive or an OCI layout tar on disk (gzipped or not). */
export function archiveSource(path: string, kind: 'docker-archive' | 'oci-archive' = 'docker-archive'): ImageSource {
  return {
    name: `${kind}:${path}`,
    kind,
    async read(visit, options) {
      let st;
      try {
        st = statSync(path);
      } catch (e) {
        throw new MoatError('usage', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      if (!st.isFile()) throw new MoatError('usage', `${path} is not a file: an image archive is a .tar made by docker save (for an OCI layout directory use oci:${path})`);
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (e) {
        throw new MoatError('usage', `cannot read ${path}: ${(e as Error).message}`);
      }
      try {
        // A plain tar is read by position; a compressed one can only be streamed.
        if (sniffCompression(preadExact(fd, 0, 8)) === 'none') return await readImageArchiveFile(fd, st.size, visit, { ...options, where: path });
        const stream = createReadStream(path, { fd, autoClose: false, highWaterMark: 256 * 1024 });
        return await readImageArchive(stream as AsyncIterable<Buffer>, visit, { ...options, where: path });
      } finally {
        closeSync(fd);
      }
    },
  };
}
