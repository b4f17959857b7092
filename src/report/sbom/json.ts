import type { ImageScan } from '../../doors/image/scan.ts';
import { TOOL_VERSION } from '../../version.ts';

/** Semantic version of the `moat sbom --format json` document (docs/inventory.schema.json; versioned as the finding schema is, docs/output-formats.md). */
export const INVENTORY_SCHEMA_VERSION = '1.2.0';

/** For tools: the inventory model as it is, with what was scanned and its layers. */
export function toInventoryJson(scan: ImageScan, opts: { now: Date }): object {
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    tool: { name: 'moat', version: TOOL_VERSION },
    createdAt: opts.now.toISOString(),
    target: scan.target,
    ...(scan.image
      ? { image: { id: scan.image.id, repoTags: scan.image.spec.repoTags, repoDigests: scan.image.spec.repoDigests, ...(scan.image.platform ? { platform: scan.image.platform } : {}), layout: scan.image.layout } }
      : {}),
    layers: scan.layers,
    ...(scan.inventory.os ? { os: scan.inventory.os } : {}),
    packages: scan.inventory.packages,
    analyzers: scan.inventory.analyzers,
    problems: scan.inventory.problems,
    ...(scan.inventory.folded ? { folded: scan.inventory.folded } : {}),
  };
}
