import { randomUUID } from 'node:crypto';
import type { ImageScan } from '../../doors/image/scan.ts';
import { TOOL_VERSION } from '../../version.ts';
import { evidenceOf, subjectName } from './evidence.ts';

/**
 * SPDX 2.3 JSON. Each package is evident by a file (the package database that lists
 * it), given as an SPDX file with its SHA-1 and SHA-256, linked with Syft's
 * `OTHER` + "evident-by" convention; the layer is in the file's comment.
 */
export function toSpdx(scan: ImageScan, opts: { now: Date; serial?: string }): object {
  const subject = subjectName(scan);
  const uuid = opts.serial ?? randomUUID();
  const packages: object[] = [];
  const files = new Map<string, { id: string; doc: object }>();
  const relationships: object[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Subject' }];
  const noassert = { licenseConcluded: 'NOASSERTION', licenseDeclared: 'NOASSERTION', copyrightText: 'NOASSERTION', downloadLocation: 'NOASSERTION' };
  packages.push({
    SPDXID: 'SPDXRef-Subject',
    name: subject.name,
    versionInfo: subject.version,
    ...noassert,
    filesAnalyzed: false,
    primaryPackagePurpose: scan.image ? 'CONTAINER' : 'OTHER',
    ...(scan.image ? { checksums: [{ algorithm: 'SHA256', checksumValue: scan.image.id.replace(/^sha256:/, '') }] } : {}),
    comment: `${scan.target.name}${scan.layers.length ? `; layers: ${scan.layers.map((l) => `${l.index + 1} ${l.diffId}`).join(', ')}` : ''}`,
  });
  const os = scan.inventory.os;
  if (os) {
    packages.push({ SPDXID: 'SPDXRef-OperatingSystem', name: os.id, versionInfo: os.versionId ?? 'NOASSERTION', ...noassert, filesAnalyzed: false, primaryPackagePurpose: 'OPERATING_SYSTEM', comment: `found in /${os.foundIn}` });
    relationships.push({ spdxElementId: 'SPDXRef-Subject', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' });
  }
  scan.inventory.packages.forEach((p, i) => {
    const id = `SPDXRef-Package-${p.type}-${i + 1}`;
    const e = evidenceOf(scan, p);
    packages.push({
      SPDXID: id,
      name: p.name,
      versionInfo: p.version,
      ...noassert,
      ...(p.supplier ? { supplier: `Organization: ${p.supplier}` } : {}),
      ...(p.licenses?.length ? { licenseDeclared: 'NOASSERTION', licenseComments: `as the package manager declares it: ${p.licenses.join('; ')}` } : {}),
      filesAnalyzed: false,
      primaryPackagePurpose: 'LIBRARY',
      ...(p.source ? { sourceInfo: `built from source package ${p.source.name}${p.source.version ? ` ${p.source.version}` : ''}` } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      comment: `found in ${e.location}${e.layer ? ` (layer ${e.layerNumber ?? '?'} ${e.layer})` : ''} by ${p.analyzer}${e.addedIn ? `; installed in layer ${e.addedIn}` : ''}`,
    });
    relationships.push({ spdxElementId: 'SPDXRef-Subject', relationshipType: 'CONTAINS', relatedSpdxElement: id });
    if (e.digests) {
      const key = `${e.location}\0${e.layer ?? ''}`;
      let file = files.get(key);
      if (!file) {
        file = {
          id: `SPDXRef-File-${files.size + 1}`,
          doc: {},
        };
        file.doc = {
          SPDXID: file.id,
          fileName: `.${e.location}`,
          checksums: [
            { algorithm: 'SHA1', checksumValue: e.digests.sha1 },
            { algorithm: 'SHA256', checksumValue: e.digests.sha256 },
          ],
          licenseConcluded: 'NOASSERTION',
          copyrightText: 'NOASSERTION',
          ...(e.layer ? { comment: `layer ${e.layerNumber ?? '?'} ${e.layer}` } : {}),
        };
        files.set(key, file);
      }
      relationships.push({ spdxElementId: id, relationshipType: 'OTHER', relatedSpdxElement: file.id, comment: 'evident-by: the package database that lists this package' });
    }
  });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${subject.name}:${subject.version}`,
    documentNamespace: `https://moat.invalid/spdx/${encodeURIComponent(subject.name)}-${uuid}`,
    creationInfo: { created: opts.now.toISOString().replace(/\.\d{3}Z$/, 'Z'), creators: [`Tool: moat-${TOOL_VERSION}`] },
    ...(scan.inventory.problems.length ? { comment: `incomplete where noted: ${scan.inventory.problems.map((p) => `${p.analyzer}: ${p.message}`).join(' | ')}` } : {}),
    packages,
    files: [...files.values()].map((f) => f.doc),
    relationships,
  };
}
