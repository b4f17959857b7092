import { scanImage, type ImageScan, type ImageScanOptions } from '../../doors/image/scan.ts';
import type { ImageSource } from '../../doors/image/source.ts';
import type { ImageTarget } from '../../doors/image/target.ts';
import { maskText } from '../../util/secrets/mask.ts';
import { toCycloneDx } from '../../report/sbom/cyclonedx.ts';
import { toInventoryJson } from '../../report/sbom/json.ts';
import { toSpdx } from '../../report/sbom/spdx.ts';
import { toTable } from '../../report/sbom/table.ts';

import type { SbomFormat } from './formats.ts';

export { SBOM_FORMATS, type SbomFormat } from './formats.ts';

export interface SbomOptions extends ImageScanOptions {
  format: SbomFormat;
  /** Document time (default now): fixed in tests for reproducible output. */
  now?: Date;
  /** Document UUID (default random): CycloneDX serialNumber, SPDX namespace. */
  serial?: string;
}

export interface SbomResult {
  /** The document, ready to write. */
  text: string;
  /** What it was made from: the inventory, layers and file metadata. */
  scan: ImageScan;
}

/**
 * An SBOM of an image or root file system: no printing, no exit. Throws MoatError (bad
 * target, corrupt or hostile image) or EngineError (engine unreachable or gone); the
 * inventory's `problems` say where it is incomplete, and every format carries them.
 */
export async function sbom(target: string | ImageTarget | ImageSource, options: SbomOptions): Promise<SbomResult> {
  const scan = await scanImage(target, options);
  return { text: renderSbom(scan, options.format, { now: options.now ?? new Date(), serial: options.serial }), scan };
}

export function renderSbom(given: ImageScan, format: SbomFormat, opts: { now: Date; serial?: string }): string {
  const scan = masked(given);
  switch (format) {
    case 'cyclonedx':
      return JSON.stringify(toCycloneDx(scan, opts), null, 2) + '\n';
    case 'spdx':
      return JSON.stringify(toSpdx(scan, opts), null, 2) + '\n';
    case 'json':
      return JSON.stringify(toInventoryJson(scan, opts), null, 2) + '\n';
    case 'table':
      return toTable(scan);
  }
}

/**
 * What an SBOM quotes from the image, masked as `moat scan` masks it: layer history
 * (`RUN NPM_TOKEN=npm_... npm ci`, `curl -u deploy:pw`) and problems that echo file text.
 */
function masked(scan: ImageScan): ImageScan {
  return {
    ...scan,
    layers: scan.layers.map((l) => (l.createdBy ? { ...l, createdBy: maskText(l.createdBy) } : l)),
    inventory: { ...scan.inventory, problems: scan.inventory.problems.map((p) => ({ ...p, message: maskText(p.message) })) },
  };
}
