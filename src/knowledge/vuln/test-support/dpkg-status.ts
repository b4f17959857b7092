/**
 * Reads a real dpkg status file (`/var/lib/dpkg/status`) into inventory packages, for
 * tests: installed packages with their source package and source version, as Debian
 * records them (`Source: name (version)` when the source version differs).
 */
import { readFileSync } from 'node:fs';
import type { OsRelease, Package } from '../../../models/inventory.ts';

export function readDpkgStatus(file = '/var/lib/dpkg/status'): Package[] {
  const out: Package[] = [];
  for (const para of readFileSync(file, 'utf8').split(/\n\n+/)) {
    const field = (name: string): string | undefined => new RegExp(`^${name}: (.*)$`, 'm').exec(para)?.[1]?.trim();
    const name = field('Package');
    const version = field('Version');
    if (name === undefined || version === undefined || !/\binstalled$/.test(field('Status') ?? '')) continue;
    const m = /^(\S+)(?: \((\S+)\))?$/.exec(field('Source') ?? name);
    const arch = field('Architecture');
    out.push({
      type: 'deb',
      name,
      version,
      source: { name: m?.[1] ?? name, version: m?.[2] ?? version },
      ...(arch !== undefined ? { arch } : {}),
      purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}${arch !== undefined ? `?arch=${arch}` : ''}`,
      foundIn: file.replace(/^\//, ''),
      analyzer: 'test-dpkg-status',
    });
  }
  return out;
}

/** This machine's os-release, as an analyzer would report it. */
export function readOsRelease(file = '/etc/os-release'): OsRelease {
  const text = readFileSync(file, 'utf8');
  const get = (k: string): string | undefined => new RegExp(`^${k}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
  return {
    id: get('ID') ?? 'unknown',
    ...(get('VERSION_ID') !== undefined ? { versionId: get('VERSION_ID') } : {}),
    ...(get('VERSION_CODENAME') !== undefined ? { versionCodename: get('VERSION_CODENAME') } : {}),
    idLike: (get('ID_LIKE') ?? '').split(' ').filter(Boolean),
    foundIn: file.replace(/^\//, ''),
  };
}
