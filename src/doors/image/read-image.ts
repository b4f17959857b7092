import type { Analyzer } from '../analyzers/analyzer.ts';
import type { InventoryProblem } from '../../models/inventory.ts';
import { MoatError } from '../../util/errors.ts';
import type { TempSpace } from '../../util/temp-space.ts';
import type { Compression } from './layer/decompress.ts';
import { LayerError, readLayer, type LayerRecord } from './layer/read-layer.ts';
import { FileTree } from './files/tree.ts';
import type { ImageManifest, ImageSource } from './source.ts';
import { digestMismatch } from './sources/oci.ts';

export interface LayerInfo {
  index: number;
  /** Digest of the uncompressed tar (the config's diff_id): the same whichever way the image travelled. */
  diffId: string;
  /** Digest as stored in this source (equals diffId for uncompressed layers). */
  digest: string;
  size: number;
  compression: Compression;
  /** The history entry that made it (`RUN apt-get install …`), when the config says. */
  createdBy?: string;
}

export interface ImageRead {
  manifest: ImageManifest;
  layers: LayerInfo[];
  files: FileTree;
  problems: InventoryProblem[];
}

export interface ReadImageOptions {
  analyzers: readonly Analyzer[];
  temp: TempSpace;
  signal?: AbortSignal;
  platform?: string;
  /** Bytes read so far (as stored), for progress display. */
  onBytes?: (n: number) => void;
  /** Called as each blob has been read through. */
  onLayer?: () => void;
}

/**
 * Reads an image from any source in one streaming pass, checks every layer against the
 * digests its format gives, and merges the layers, base first, into one file tree
 * (whiteouts and opaque directories of each layer applied to the layers below it).
 * Layers are kept per blob while they stream past, because `docker save` names their
 * order only at the end of the archive.
 */
export async function readImage(source: ImageSource, options: ReadImageOptions): Promise<ImageRead> {
  const records = new Map<string, LayerRecord | LayerError>();
  const budget = { entries: 0 };
  const manifest = await source.read(
    async ({ key, bytes, file }) => {
      try {
        records.set(key, await readLayer(bytes, { analyzers: options.analyzers, temp: options.temp, budget, onBytes: options.onBytes, signal: options.signal }, file));
        options.onLayer?.();
      } catch (e) {
        // A blob that fails to parse may not be a layer at all (an OCI layout holds
        // signatures and attestations too): it is an error only if the manifest uses it.
        if (e instanceof LayerError) records.set(key, e);
        else throw e;
      }
    },
    { signal: options.signal, platform: options.platform },
  );

  const diffIds = manifest.config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new MoatError('incomplete', `${source.name}: the manifest lists ${manifest.layers.length} layers but the config's rootfs lists ${diffIds.length}: the image is corrupt`);
  }
  const createdBy = (manifest.config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? undefined);
  const files = new FileTree();
  const layers: LayerInfo[] = [];
  const problems: InventoryProblem[] = [];
  for (const [index, layer] of manifest.layers.entries()) {
    const where = `${source.name}: layer ${index + 1} of ${manifest.layers.length} (${layer.key})`;
    const record = records.get(layer.key);
    if (record === undefined) throw new MoatError('incomplete', `${where} is missing from the image: it is incomplete`);
    if (record instanceof LayerError) throw new MoatError('incomplete', `${where} cannot be read: ${record.message}`);
    if (layer.digest && record.digest !== layer.digest) throw digestMismatch(where, layer.digest, record.digest);
    if (layer.size !== undefined && record.size !== layer.size) throw new MoatError('incomplete', `${where} is ${record.size} bytes, its descriptor says ${layer.size}: the image is corrupt`);
    const diffId = diffIds[index] as string;
    if (record.diffId !== diffId) throw digestMismatch(`${where} (uncompressed)`, diffId, record.diffId);
    const by = createdBy[index];
    layers.push({ index, diffId, digest: record.digest, size: record.size, compression: record.compression, ...(by ? { createdBy: by } : {}) });
    applyLayer(files, index, diffId, record, problems);
  }
  return { manifest, layers, files, problems };
}

/**
 * One layer onto the tree. The layer is first built on its own, in archive order (a
 * symlink it makes is followed by its later entries, inside the layer, as Docker's
 * chrooted unpacking does); then what it removes from the layers below goes, and its tree
 * is laid over them.
 */
export function applyLayer(files: FileTree, index: number, diffId: string, record: LayerRecord, problems: InventoryProblem[]): void {
  files.layers[index] = { index, diffId };
  const own = new FileTree();
  for (const op of record.ops) {
    let why: string | undefined;
    if (op.kind === 'put') {
      op.inode.layer = index;
      why = own.put(op.path, op.inode);
    } else why = own.link(op.path, op.target, { mode: op.mode, uid: op.uid, gid: op.gid });
    if (why) problems.push({ analyzer: 'image', path: op.path, message: `layer ${index + 1}: /${op.path} was skipped: ${why}` });
  }
  for (const dir of record.opaques) files.opaque(dir);
  for (const path of record.whiteouts) files.whiteout(path);
  files.overlay(own);
  problems.push(...record.problems);
}
