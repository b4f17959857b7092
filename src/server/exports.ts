/**
 * Exports for other tools: a host's latest audit (JSON as `moat audit` prints it, or
 * SARIF), an image's vulnerabilities (JSON, SARIF) or its inventory as CycloneDX 1.6.
 */
import { randomUUID } from 'node:crypto';
import type { Finding } from '../models/finding.ts';
import { buildReport } from '../report/build.ts';
import type { Report } from '../report/model.ts';
import { renderSarif } from '../report/sarif.ts';
import { TOOL_VERSION } from '../version.ts';
import { getImage } from './queries.ts';
import { QueryError } from './queries.ts';
import type { Sql } from './store.ts';

export interface Export {
  body: string;
  type: string;
  filename: string;
}

const SAFE = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);

export async function exportHost(db: Sql, host: string, format: string): Promise<Export | undefined> {
  if (format !== 'json' && format !== 'sarif') throw new QueryError(`format "${format}": a host exports as json or sarif`);
  const rows = await db.query<{ audit: Report }>(`SELECT r.audit FROM hosts h JOIN reports r ON r.id = h.last_report WHERE h.name = $1`, [host]);
  const audit = rows[0]?.audit;
  if (audit === undefined) return undefined;
  if (format === 'json') return { body: JSON.stringify(audit, null, 2) + '\n', type: 'application/json', filename: `${SAFE(host)}.audit.json` };
  return { body: renderSarif(audit), type: 'application/sarif+json', filename: `${SAFE(host)}.audit.sarif` };
}

export async function exportImage(db: Sql, digest: string, format: string): Promise<Export | undefined> {
  if (format !== 'json' && format !== 'sarif' && format !== 'cyclonedx') throw new QueryError(`format "${format}": an image exports as json, sarif or cyclonedx`);
  const image = (await getImage(db, digest)) as
    | { digest: string; references: string[]; vulnerabilities: Finding[]; inventory: { packages: Array<{ type: string; name: string; version: string; purl: string; foundIn: string }> } | null }
    | undefined;
  if (image === undefined) return undefined;
  const name = SAFE(image.references[0] ?? digest);
  if (format === 'json') return { body: JSON.stringify(image, null, 2) + '\n', type: 'application/json', filename: `${name}.json` };
  if (format === 'sarif') {
    const report = buildReport({
      command: 'scan',
      target: { description: `image ${image.references[0] ?? ''} ${digest}`.replace('  ', ' ') },
      started: new Date(),
      durationMs: 0,
      findings: image.vulnerabilities,
      checks: [],
      warnings: [],
    });
    return { body: renderSarif(report), type: 'application/sarif+json', filename: `${name}.sarif` };
  }
  const packages = image.inventory?.packages ?? [];
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: new Date().toISOString(),
      tools: { components: [{ type: 'application', name: 'moat', version: TOOL_VERSION }] },
      component: { type: 'container', 'bom-ref': digest, name: image.references[0] ?? digest, version: digest },
    },
    components: packages.map((p) => ({ type: 'library', 'bom-ref': `${p.purl}#${p.foundIn}`, name: p.name, version: p.version, purl: p.purl })),
    vulnerabilities: image.vulnerabilities.map((f) => ({
      id: f.vulnerability?.id,
      ratings: [{ severity: f.severity }],
      ...(f.vulnerability?.summary !== undefined ? { description: f.vulnerability.summary } : {}),
      affects: [{ ref: `${f.subject.id}#${f.vulnerability?.foundIn}` }],
    })),
  };
  return { body: JSON.stringify(bom, null, 2) + '\n', type: 'application/vnd.cyclonedx+json', filename: `${name}.cdx.json` };
}
