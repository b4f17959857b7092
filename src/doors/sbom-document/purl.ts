/**
 * Package URLs (purl-spec) to inventory packages: the SBOM door's common ground, since
 * CycloneDX and SPDX both carry a purl per package. Parsing is packageurl-js's.
 */
import { PackageURL } from 'packageurl-js';
import type { OsRelease, Package, PackageType } from '../../models/inventory.ts';

const TYPES: ReadonlySet<string> = new Set<PackageType>(['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven', 'generic']);

export type PurlResult = { package: Package; distro?: OsRelease } | { skip: string };

/** The package a purl names, and the distribution its `distro` qualifier names (`debian-12`). */
export function packageFromPurl(purl: string, foundIn: string, analyzer: string): PurlResult {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch (e) {
    return { skip: `invalid package URL ${JSON.stringify(purl.slice(0, 200))}: ${(e as Error).message}` };
  }
  if (p.version === undefined || p.version === null || p.version === '') return { skip: `package URL ${purl} has no version` };
  const type = (TYPES.has(p.type) ? p.type : 'generic') as PackageType;
  const ns = p.namespace ?? undefined;
  const name = type === 'npm' && ns ? `${ns}/${p.name}` : type === 'maven' && ns ? `${ns}:${p.name}` : type === 'golang' && ns ? `${ns}/${p.name}` : p.name;
  const q = (p.qualifiers ?? {}) as Record<string, string>;
  const pkg: Package = { type, name, version: p.version, purl, foundIn, analyzer };
  if (q['arch'] !== undefined) pkg.arch = q['arch'];
  // syft writes the source package as `upstream=name` or `upstream=name@version`.
  const upstream = q['upstream'];
  if ((type === 'deb' || type === 'apk' || type === 'rpm') && upstream !== undefined && upstream !== '') {
    const at = upstream.indexOf('@');
    pkg.source = at < 0 ? { name: upstream } : { name: upstream.slice(0, at), version: upstream.slice(at + 1) };
  }
  const distro = q['distro'] !== undefined ? distroOf(q['distro'], ns) : undefined;
  return distro !== undefined ? { package: pkg, distro } : { package: pkg };
}

/** `debian-12`, `alpine-3.20.3`, `ubuntu-22.04` (syft), or a bare version with the purl namespace. */
function distroOf(text: string, namespace: string | undefined): OsRelease | undefined {
  const m = /^([a-z][a-z0-9._]*?)-(\d[\w.]*)$/.exec(text);
  if (m !== null) return { id: m[1] as string, versionId: m[2] as string, idLike: [], foundIn: `purl distro qualifier ${text}` };
  if (namespace !== undefined && /^\d[\w.]*$/.test(text)) return { id: namespace.toLowerCase(), versionId: text, idLike: [], foundIn: `purl distro qualifier ${text}` };
  return undefined;
}
