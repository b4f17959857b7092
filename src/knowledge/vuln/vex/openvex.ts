/**
 * OpenVEX documents (https://github.com/openvex/spec, v0.2.0, and the v0.0.x form where
 * `vulnerability` is a string): statements that a product is `not_affected` by a
 * vulnerability suppress the matching findings, with the justification shown; `fixed`
 * statements suppress too (the supplier says the product carries the fix). `affected`
 * and `under_investigation` change nothing.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { PackageURL } from 'packageurl-js';
import type { Finding } from '../../../models/finding.ts';
import { MoatError } from '../../../util/errors.ts';
import { nestingDepth } from '../../../util/json-depth.ts';

const Product = v.union([v.string(), v.looseObject({ '@id': v.optional(v.string()), identifiers: v.optional(v.looseObject({ purl: v.optional(v.string()) })), subcomponents: v.optional(v.array(v.union([v.string(), v.looseObject({ '@id': v.optional(v.string()), identifiers: v.optional(v.looseObject({ purl: v.optional(v.string()) })) })]))) })]);

const Statement = v.looseObject({
  vulnerability: v.union([v.string(), v.looseObject({ name: v.optional(v.string()), '@id': v.optional(v.string()), aliases: v.optional(v.array(v.string())) })]),
  products: v.optional(v.array(Product)),
  status: v.picklist(['not_affected', 'affected', 'fixed', 'under_investigation']),
  justification: v.optional(v.string()),
  impact_statement: v.optional(v.string()),
  status_notes: v.optional(v.string()),
});

const Document = v.looseObject({
  '@context': v.pipe(v.string(), v.startsWith('https://openvex.dev/ns')),
  statements: v.array(Statement),
});

export interface VexStatement {
  /** The vulnerability's names: its name or @id and its aliases. */
  ids: string[];
  /** Package URLs the statement is about; empty means every package. */
  purls: string[];
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  reason: string;
}

export function readVex(file: string): VexStatement[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MoatError('usage', `--vex ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (text.length > 64 * 1024 * 1024 || nestingDepth(text, 64) > 64) throw new MoatError('usage', `--vex ${file}: too large or too deeply nested for a VEX document`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MoatError('usage', `--vex ${file}: not JSON (${(e as Error).message})`);
  }
  const parsed = v.safeParse(Document, doc);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new MoatError('usage', `--vex ${file}: not an OpenVEX document: ${where ? `${where}: ` : ''}${issue.message}`);
  }
  return parsed.output.statements.map((s) => {
    const vuln = s.vulnerability;
    const ids = typeof vuln === 'string' ? [vuln] : [vuln.name, vuln['@id'], ...(vuln.aliases ?? [])].filter((x): x is string => typeof x === 'string' && x !== '');
    const purls: string[] = [];
    for (const p of s.products ?? []) {
      const own = typeof p === 'string' ? p : (p.identifiers?.purl ?? p['@id']);
      const subs = typeof p === 'string' ? [] : (p.subcomponents ?? []).map((c) => (typeof c === 'string' ? c : (c.identifiers?.purl ?? c['@id'])));
      // A statement about an image with listed subcomponents is about those packages.
      if (subs.length > 0) purls.push(...subs.filter((x): x is string => typeof x === 'string'));
      else if (own !== undefined && !/^pkg:(oci|docker)\//.test(own)) purls.push(own);
    }
    const why = [s.justification, s.impact_statement ?? s.status_notes].filter(Boolean).join(': ');
    return { ids, purls, status: s.status, reason: `VEX ${s.status}${why ? ` (${why})` : ''}, ${file}` };
  });
}

/** Marks findings a `not_affected` or `fixed` statement covers as suppressed, with the statement's reason. */
export function applyVex(findings: Finding[], statements: readonly VexStatement[]): number {
  let count = 0;
  for (const f of findings) {
    if (f.suppressed !== undefined || f.vulnerability === undefined) continue;
    const ids = new Set(f.vulnerability.ids);
    const hit = statements.find((s) => (s.status === 'not_affected' || s.status === 'fixed') && s.ids.some((i) => ids.has(i)) && (s.purls.length === 0 || s.purls.some((p) => samePackage(p, f.subject.id))));
    if (hit !== undefined) {
      f.suppressed = { reason: hit.reason };
      count++;
    }
  }
  return count;
}

/** Same type, namespace and name, and the same version when the statement gives one; qualifiers do not matter. */
function samePackage(statement: string, subject: string): boolean {
  try {
    const a = PackageURL.fromString(statement);
    const b = PackageURL.fromString(subject);
    return a.type === b.type && (a.namespace ?? '') === (b.namespace ?? '') && a.name === b.name && (a.version == null || a.version === b.version);
  } catch {
    return statement === subject;
  }
}
