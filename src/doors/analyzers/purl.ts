import { PackageURL } from 'packageurl-js';
import type { OsRelease, PackageType } from '../../models/inventory.ts';

/**
 * Package URLs through packageurl-js (the purl-spec's own JavaScript implementation), so
 * encoding follows the spec rather than a local reading of it.
 */
export function purl(type: PackageType, namespace: string | undefined, name: string, version: string, qualifiers: Record<string, string | undefined> = {}): string {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(qualifiers)) if (v !== undefined && v !== '') q[k] = v;
  return new PackageURL(type, namespace, name, version, Object.keys(q).length ? q : undefined, undefined).toString();
}

/** `distro=` qualifier as Trivy and Syft write it: `debian-12`, `alpine-3.20.3`. */
export function distroQualifier(os: OsRelease | undefined): string | undefined {
  if (!os) return undefined;
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}
