/**
 * The SBOM door: a CycloneDX (1.4–1.6) or SPDX (2.2–2.3) JSON document becomes the
 * same Inventory the image analyzers produce, read from the package URLs it carries.
 * The distribution comes from an `operating-system` component (CycloneDX), an
 * OPERATING-SYSTEM package (SPDX), or the purls' `distro` qualifier.
 */
import { readFileSync, statSync } from 'node:fs';
import * as v from 'valibot';
import type { Inventory, InventoryProblem, OsRelease, Package } from '../../models/inventory.ts';
import { MoatError } from '../../util/errors.ts';
import { nestingDepth } from '../../util/json-depth.ts';
import { packageFromPurl } from './purl.ts';
import { CycloneDxSchema, firstIssue, SpdxSchema, type CdxComponent } from './schema.ts';

const ANALYZER = 'sbom';
const MAX_BYTES = 512 * 1024 * 1024;
const MAX_DEPTH = 64;

export function readSbom(file: string): Inventory {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new MoatError('usage', `--sbom ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (size > MAX_BYTES) throw new MoatError('usage', `--sbom ${file}: larger than ${MAX_BYTES / 1024 / 1024} MiB`);
  const text = readFileSync(file, 'utf8');
  if (nestingDepth(text, MAX_DEPTH) > MAX_DEPTH) throw new MoatError('usage', `--sbom ${file}: JSON nested deeper than ${MAX_DEPTH} levels`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MoatError('usage', `--sbom ${file}: not JSON (${(e as Error).message}); give a CycloneDX or SPDX JSON document`);
  }
  return parseSbom(doc, file);
}

export function parseSbom(doc: unknown, file: string): Inventory {
  const kind = (doc as { bomFormat?: unknown } | null)?.bomFormat === 'CycloneDX' ? 'cyclonedx' : typeof (doc as { spdxVersion?: unknown } | null)?.spdxVersion === 'string' ? 'spdx' : undefined;
  if (kind === undefined) throw new MoatError('usage', `--sbom ${file}: neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON`);
  const inventory: Inventory = { packages: [], analyzers: [{ name: `sbom-${kind}`, version: 1 }], problems: [] };
  const distros: OsRelease[] = [];
  const add = (purl: string | undefined, foundIn: string, label: string): void => {
    if (purl === undefined || purl === '') return void inventory.problems.push(problem(file, `${label} has no package URL: not matched`));
    const r = packageFromPurl(purl, foundIn, ANALYZER);
    if ('skip' in r) return void inventory.problems.push(problem(file, `${label}: ${r.skip}`));
    inventory.packages.push(r.package);
    if (r.distro !== undefined) distros.push(r.distro);
  };

  if (kind === 'cyclonedx') {
    const parsed = v.safeParse(CycloneDxSchema, doc);
    if (!parsed.success) throw new MoatError('usage', `--sbom ${file}: not a CycloneDX 1.4–1.6 document: ${firstIssue(parsed.issues)}`);
    const walk = (components: readonly CdxComponent[], path: string): void => {
      components.forEach((c, i) => {
        const where = `${path}[${i}]`;
        if (c.type === 'operating-system') {
          if (c.name !== undefined) inventory.os = { id: c.name.toLowerCase(), ...(c.version ? { versionId: c.version } : {}), idLike: [], foundIn: `${file}#${where}` };
        } else if (c.type !== 'file') {
          add(c.purl, locationOf(c) ?? file, `${where} (${c.name ?? c['bom-ref'] ?? 'unnamed'})`);
        }
        if (c.components !== undefined) walk(c.components, `${where}.components`);
      });
    };
    walk(parsed.output.components ?? [], 'components');
  } else {
    const parsed = v.safeParse(SpdxSchema, doc);
    if (!parsed.success) throw new MoatError('usage', `--sbom ${file}: not an SPDX 2.2/2.3 document: ${firstIssue(parsed.issues)}`);
    (parsed.output.packages ?? []).forEach((p, i) => {
      const where = `packages[${i}] (${p.name ?? p.SPDXID ?? 'unnamed'})`;
      if (p.primaryPackagePurpose === 'OPERATING-SYSTEM') {
        if (p.name !== undefined) inventory.os = { id: p.name.toLowerCase(), ...(p.versionInfo ? { versionId: p.versionInfo } : {}), idLike: [], foundIn: `${file}#packages[${i}]` };
        return;
      }
      const purl = p.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator;
      add(purl, file, where);
    });
  }
  if (inventory.os === undefined && distros[0] !== undefined) inventory.os = distros[0];
  return inventory;
}

function locationOf(c: CdxComponent): string | undefined {
  const fromEvidence = c.evidence?.occurrences?.find((o) => o.location !== undefined)?.location;
  const fromSyft = c.properties?.find((p) => /^syft:location:\d+:path$/.test(p.name))?.value;
  const where = fromEvidence ?? fromSyft;
  return where?.replace(/^\/+/, '');
}

function problem(file: string, message: string): InventoryProblem {
  return { analyzer: ANALYZER, path: file, message };
}

export type { Package };
