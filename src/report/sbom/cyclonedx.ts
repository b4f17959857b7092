import { randomUUID } from 'node:crypto';
import type { ImageScan } from '../../doors/image/scan.ts';
import { TOOL_VERSION } from '../../version.ts';
import { evidenceOf, subjectName } from './evidence.ts';

/**
 * CycloneDX 1.6 JSON. Written directly rather than through @cyclonedx/cyclonedx-library:
 * its model has no `evidence.occurrences` (1.6's place for "found in this file"), which is
 * the point of Moat's SBOM; the tests validate every document against the official schema
 * the library ships.
 */
export function toCycloneDx(scan: ImageScan, opts: { now: Date; serial?: string }): object {
  const subject = subjectName(scan);
  const refs = new Map<string, number>();
  const ref = (base: string): string => {
    const n = refs.get(base) ?? 0;
    refs.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  };
  const components: object[] = [];
  const os = scan.inventory.os;
  const osRef = os ? ref(`os:${os.id}${os.versionId ? `@${os.versionId}` : ''}`) : undefined;
  if (os && osRef) {
    components.push({
      'bom-ref': osRef,
      type: 'operating-system',
      name: os.id,
      ...(os.versionId ? { version: os.versionId } : {}),
      ...(os.prettyName ? { description: os.prettyName } : {}),
      evidence: { occurrences: [{ location: `/${os.foundIn}` }] },
    });
  }
  for (const p of scan.inventory.packages) {
    const e = evidenceOf(scan, p);
    const properties = [
      ...(p.source ? [{ name: 'moat:package:source-name', value: p.source.name }] : []),
      ...(p.source?.version ? [{ name: 'moat:package:source-version', value: p.source.version }] : []),
      ...(p.arch ? [{ name: 'moat:package:arch', value: p.arch }] : []),
      ...(e.layer ? [{ name: 'moat:layer:diff-id', value: e.layer }] : []),
      ...(e.addedIn ? [{ name: 'moat:layer:added-in', value: e.addedIn }] : []),
      { name: 'moat:analyzer', value: p.analyzer },
    ];
    components.push({
      'bom-ref': ref(p.purl),
      type: 'library',
      name: p.name,
      version: p.version,
      ...(p.supplier ? { supplier: { name: p.supplier } } : {}),
      purl: p.purl,
      ...(p.licenses?.length ? { licenses: p.licenses.map((name) => ({ license: { name } })) } : {}),
      evidence: {
        occurrences: [{ location: e.location, ...(e.layer ? { additionalContext: `layer ${e.layerNumber ?? '?'} ${e.layer}${e.createdBy ? `: ${e.createdBy}` : ''}` } : {}) }],
      },
      properties,
    });
  }
  const imageRef = 'moat:subject';
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${opts.serial ?? randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: opts.now.toISOString(),
      tools: { components: [{ type: 'application', name: 'moat', version: TOOL_VERSION }] },
      component: {
        'bom-ref': imageRef,
        type: scan.image ? 'container' : 'file',
        name: subject.name,
        version: subject.version,
        properties: [
          ...(scan.image ? [{ name: 'moat:image:id', value: scan.image.id }] : []),
          ...(scan.image?.platform ? [{ name: 'moat:image:platform', value: scan.image.platform }] : []),
          { name: 'moat:target', value: scan.target.name },
          ...scan.layers.map((l) => ({ name: 'moat:image:layer', value: `${l.index + 1} ${l.diffId}${l.createdBy ? ` ${l.createdBy}` : ''}` })),
        ],
      },
      properties: [
        ...scan.inventory.analyzers.map((a) => ({ name: 'moat:analyzer', value: `${a.name}@${a.version}` })),
        ...scan.inventory.problems.map((p) => ({ name: 'moat:problem', value: `${p.analyzer}: ${p.message}` })),
        // Language packages reported once, as the OS package that owns their proving file.
        ...(scan.inventory.folded ? [{ name: 'moat:folded-packages', value: String(scan.inventory.folded.length) }] : []),
      ],
    },
    components,
    dependencies: [{ ref: imageRef, dependsOn: components.map((c) => (c as { 'bom-ref': string })['bom-ref']) }],
  };
}
