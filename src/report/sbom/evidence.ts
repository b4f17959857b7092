import type { ImageScan } from '../../doors/image/scan.ts';
import type { FileDigests } from '../../doors/image/files/content.ts';
import type { Package } from '../../models/inventory.ts';

/** What proves a package, for every SBOM format: the file, its digests, and the layers. */
export interface Evidence {
  /** `/var/lib/dpkg/status`; inside an archive `/app.jar!/META-INF/maven/g/a/pom.properties` */
  location: string;
  /** diff_id of the layer that last wrote the file. */
  layer?: string;
  /** Position of that layer, 1-based, and the instruction that made it. */
  layerNumber?: number;
  createdBy?: string;
  /** diff_id of the layer that installed the package, when different. */
  addedIn?: string;
  digests?: FileDigests;
}

export function evidenceOf(scan: ImageScan, p: Package): Evidence {
  const layer = p.layer ? scan.layers.find((l) => l.diffId === p.layer) : undefined;
  const file = scan.files.stat(p.foundIn, false);
  return {
    location: `/${p.foundIn}${p.inArchive ? `!/${p.inArchive}` : ''}`,
    ...(p.layer ? { layer: p.layer } : {}),
    ...(layer ? { layerNumber: layer.index + 1, ...(layer.createdBy ? { createdBy: layer.createdBy } : {}) } : {}),
    ...(p.addedIn && p.addedIn !== p.layer ? { addedIn: p.addedIn } : {}),
    ...(file?.digests ? { digests: file.digests } : {}),
  };
}

/** The image's name without tag or digest, and its tag, for SBOM subjects. */
export function subjectName(scan: ImageScan): { name: string; version: string } {
  const tag = scan.image?.spec.repoTags[0];
  if (tag) {
    const at = tag.lastIndexOf(':');
    if (at > tag.lastIndexOf('/')) return { name: tag.slice(0, at), version: tag.slice(at + 1) };
    return { name: tag, version: 'latest' };
  }
  return { name: scan.target.name, version: scan.image?.id ?? 'rootfs' };
}
