import type { Analyzer } from '../analyzers/analyzer.ts';
import { allAnalyzers } from '../analyzers/index.ts';
import { runAnalyzers } from '../analyzers/run.ts';
import type { EngineReadOptions } from './sources/engine-export.ts';
import type { ImageFileFacts, ImageSpec } from '../../models/image-spec.ts';
import type { Inventory } from '../../models/inventory.ts';
import { TempSpace } from '../../util/temp-space.ts';
import { collectFileFacts, fileFactsWanter } from './files/facts.ts';
import type { FileTree } from './files/tree.ts';
import { readImage, type LayerInfo } from './read-image.ts';
import type { ImageManifest, ImageSource, SourceKind } from './source.ts';
import { archiveSource } from './sources/archive.ts';
import { engineSource } from './sources/engine.ts';
import { registrySource } from './sources/registry.ts';
import type { OpenRegistryImageOptions } from '../registry/index.ts';
import { ociDirSource } from './sources/oci-dir.ts';
import type { ImageConfig } from './sources/oci.ts';
import { formatPlatform } from '../../models/platform.ts';
import { readRootfs } from './sources/rootfs.ts';
import { describeTarget, parseTarget, type ImageTarget } from './target.ts';

export interface ImageScanOptions {
  /** Default: every registered analyzer. */
  analyzers?: readonly Analyzer[];
  signal?: AbortSignal;
  /** `os/arch[/variant]` for multi-platform layouts; default the host's. */
  platform?: string;
  /** How to reach the engine for engine targets, and the export a command started already. */
  engine?: EngineReadOptions;
  /** Credentials, insecure registries, certificates for registry targets (docker's config by default). */
  registry?: OpenRegistryImageOptions;
  /** Called as bytes are read (as stored), for progress displays. */
  onBytes?: (n: number) => void;
  /** Called as each layer has been read, for progress displays. */
  onLayer?: () => void;
  /**
   * Collect the file-tree facts image rules judge (`fileFacts`, and `image.spec.files`):
   * setuid and world-writable entries, tools present, secrets in credential files (whose
   * contents are then kept, size-capped, until the scan returns). Default false.
   */
  fileFacts?: boolean;
}

export interface ImageScan {
  /** What was scanned, as the user named it, and through which door. */
  target: { name: string; kind: SourceKind };
  /** The image's identity and configuration; absent for a root file system. */
  image?: ScannedImage;
  /** Base layer first; empty for a root file system. */
  layers: LayerInfo[];
  /** The merged file system: metadata of every entry (contents are released once the scan returns). */
  files: FileTree;
  inventory: Inventory;
  /** With `fileFacts`: what the file tree says (the same object as `image.spec.files`). */
  fileFacts?: ImageFileFacts;
}

export interface ScannedImage {
  /** `sha256:…` of the config: the image id. */
  id: string;
  spec: ImageSpec;
  platform?: string;
  layout: ImageManifest['layout'];
}

/**
 * Reads an image (or a root file system), merges its layers and runs the analyzers:
 * the inventory every SBOM, vulnerability match and image rule starts from. Wanted
 * contents live in a temp space that is removed before this returns, error or not.
 */
export async function scanImage(target: string | ImageTarget | ImageSource, options: ImageScanOptions = {}): Promise<ImageScan> {
  const analyzers = options.analyzers ?? allAnalyzers;
  // The collector asks for contents as analyzers do, but finds no packages: it reads, it is not recorded.
  const wanting = options.fileFacts ? [...analyzers, fileFactsWanter()] : analyzers;
  const temp = new TempSpace('moat-scan-');
  try {
    const t = typeof target === 'string' ? parseTarget(target) : target;
    if ('kind' in t && t.kind === 'rootfs' && !('read' in t)) {
      const { files, problems } = await readRootfs(t.dir, { analyzers: wanting, temp, signal: options.signal });
      const inventory = await runAnalyzers(files, analyzers, problems);
      const fileFacts = options.fileFacts ? await collectFileFacts(files) : undefined;
      files.releaseContents();
      return { target: { name: describeTarget(t), kind: 'rootfs' }, layers: [], files, inventory, ...(fileFacts ? { fileFacts } : {}) };
    }
    const source = 'read' in t ? t : sourceFor(t, options);
    const read = await readImage(source, { analyzers: wanting, temp, signal: options.signal, platform: options.platform, onBytes: options.onBytes, onLayer: options.onLayer });
    const inventory = await runAnalyzers(read.files, analyzers, read.problems);
    const fileFacts = options.fileFacts ? await collectFileFacts(read.files) : undefined;
    read.files.releaseContents();
    const { manifest } = read;
    const spec = specFromConfig(manifest);
    spec.history = historyFromConfig(manifest, read.layers);
    if (fileFacts) spec.files = fileFacts;
    return {
      target: { name: source.name, kind: source.kind },
      image: {
        id: manifest.configDigest,
        spec,
        ...(manifest.config.os && manifest.config.architecture ? { platform: formatPlatform({ os: manifest.config.os, architecture: manifest.config.architecture, variant: manifest.config.variant }) } : {}),
        layout: manifest.layout,
      },
      layers: read.layers,
      files: read.files,
      inventory,
      ...(fileFacts ? { fileFacts } : {}),
    };
  } finally {
    temp.dispose();
  }
}

function sourceFor(t: Exclude<ImageTarget, { kind: 'rootfs' }>, options: ImageScanOptions): ImageSource {
  switch (t.kind) {
    case 'engine':
      return engineSource(t.reference, options.engine);
    case 'registry':
      return registrySource(t.reference, options.registry);
    case 'docker-archive':
    case 'oci-archive':
      return archiveSource(t.path, t.kind);
    case 'oci':
      return ociDirSource(t.dir);
  }
}

function specFromConfig(m: ImageManifest): ImageSpec {
  const c: NonNullable<ImageConfig['config']> = m.config.config ?? {};
  const test = c.Healthcheck?.Test ?? [];
  return {
    id: m.configDigest,
    repoTags: m.repoTags,
    repoDigests: m.repoDigests,
    ...(m.config.created ? { created: m.config.created } : {}),
    ...(c.User ? { user: c.User } : {}),
    env: c.Env ?? [],
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    ...(c.Entrypoint ? { entrypoint: c.Entrypoint } : {}),
    ...(c.Cmd ? { cmd: c.Cmd } : {}),
    ...(test.length ? { healthcheck: { test, disabled: test[0] === 'NONE' } } : {}),
    labels: c.Labels ?? {},
  };
}

/**
 * The config's history as the engine's history endpoint lists it (newest first), so rules
 * read it the same way through either door. A step's size is its layer's stored size (the
 * config does not record the engine's uncompressed figure); metadata steps are 0.
 */
function historyFromConfig(m: ImageManifest, layers: readonly LayerInfo[]): NonNullable<ImageSpec['history']> {
  let layer = 0;
  const out = (m.config.history ?? []).map((h) => {
    const size = h.empty_layer ? 0 : (layers[layer++]?.size ?? 0);
    return { createdBy: h.created_by ?? '', ...(h.created ? { created: h.created } : {}), size };
  });
  return out.reverse();
}
