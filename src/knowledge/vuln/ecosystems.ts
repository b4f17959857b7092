/**
 * OSV ecosystems as Moat matches them: which version scheme orders an ecosystem's
 * versions, how package names are normalised (the same function runs at import and at
 * match time, so both sides agree), and which OSV ecosystem an inventory's packages
 * belong to.
 */
import type { OsRelease, Package } from '../../models/inventory.ts';
import { SCHEMES, type VersionScheme } from './versioning/index.ts';

/** The part of an OSV ecosystem before the first colon: `Debian` of `Debian:12`. */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

const BY_BASE: Readonly<Record<string, VersionScheme>> = {
  Debian: SCHEMES.dpkg,
  Ubuntu: SCHEMES.dpkg,
  Alpine: SCHEMES.apk,
  npm: SCHEMES.semver,
  PyPI: SCHEMES.pep440,
  Maven: SCHEMES.maven,
  Go: SCHEMES.go,
  'Rocky Linux': SCHEMES.rpm,
  AlmaLinux: SCHEMES.rpm,
  'Red Hat': SCHEMES.rpm,
  openSUSE: SCHEMES.rpm,
  SUSE: SCHEMES.rpm,
  Mageia: SCHEMES.rpm,
};

/** The ecosystems `moat db update` downloads by default: the ones an inventory can name. */
export const DEFAULT_ECOSYSTEMS = ['Alpine', 'Debian', 'Go', 'Maven', 'npm', 'PyPI', 'Ubuntu'] as const;

/**
 * The scheme that orders versions of one OSV range: `SEMVER` ranges are SemVer 2.0.0
 * whatever the ecosystem (Go's written without the `v`, read by the Go scheme so that
 * toolchain versions order too); `ECOSYSTEM` ranges use the ecosystem's own scheme.
 * Undefined when Moat has no scheme for it.
 */
export function schemeFor(ecosystem: string, rangeType: 'ECOSYSTEM' | 'SEMVER'): VersionScheme | undefined {
  const base = ecosystemBase(ecosystem);
  if (base === 'Go') return SCHEMES.go;
  if (rangeType === 'SEMVER') return SCHEMES.semver;
  return Object.hasOwn(BY_BASE, base) ? BY_BASE[base] : undefined;
}

/**
 * The name as both the advisory and the inventory are reduced to before they meet:
 * PyPI names per PEP 503 (case and runs of `-_.` do not matter), everything else as
 * the ecosystem writes it (npm scopes, Maven `group:artifact`, Go module paths,
 * Debian source and Alpine origin names are already canonical).
 */
export function normalizeName(ecosystem: string, name: string): string {
  const base = ecosystemBase(ecosystem);
  if (base === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  return name.trim();
}

/** Where a package's advisories live, and under which name and version. */
export interface MatchKey {
  ecosystem: string;
  name: string;
  version: string;
  /** How the package was reduced to the key, for the finding's evidence: `source package openssl`. */
  via?: string;
}

export type KeyResult = { key: MatchKey } | { skip: string };

/**
 * The OSV ecosystem of the distribution, or why there is none: Debian `Debian:12`,
 * Ubuntu `Ubuntu:22.04:LTS` (even years' April releases are LTS) or `Ubuntu:23.10`,
 * Alpine `Alpine:v3.20`.
 */
export function distroEcosystem(os: OsRelease | undefined): { ecosystem: string } | { skip: string } {
  if (os === undefined) return { skip: 'no os-release was found, so the distribution (and its advisories) is unknown' };
  const version = os.versionId;
  switch (os.id) {
    case 'debian': {
      const major = version === undefined ? undefined : /^(\d+)/.exec(version)?.[1];
      if (major === undefined) return { skip: `Debian ${os.versionCodename ?? 'testing/unstable'} has no VERSION_ID: OSV publishes advisories for stable releases only` };
      return { ecosystem: `Debian:${major}` };
    }
    case 'ubuntu': {
      const m = version === undefined ? null : /^(\d\d)\.(\d\d)/.exec(version);
      if (m === null) return { skip: `Ubuntu release "${version ?? ''}" is not YY.MM` };
      const lts = m[2] === '04' && Number(m[1]) % 2 === 0;
      return { ecosystem: `Ubuntu:${m[1]}.${m[2]}${lts ? ':LTS' : ''}` };
    }
    case 'alpine': {
      const m = version === undefined ? null : /^(\d+)\.(\d+)/.exec(version);
      if (m === null) return { skip: `Alpine release "${version ?? ''}" has no major.minor (edge is not in OSV)` };
      return { ecosystem: `Alpine:v${m[1]}.${m[2]}` };
    }
    default:
      return { skip: `no OSV ecosystem is mapped for distribution "${os.id}"` };
  }
}

/**
 * How one inventory package is looked up: Debian-family binary packages by their
 * source package and source version (advisories name source packages), Alpine packages
 * by origin, language packages by normalised name, and the Go toolchain (`stdlib`, with
 * the toolchain version) as OSV's Go `stdlib` package.
 */
export function matchKey(pkg: Package, os: OsRelease | undefined): KeyResult {
  switch (pkg.type) {
    case 'deb':
    case 'apk': {
      const distro = distroEcosystem(os);
      if ('skip' in distro) return distro;
      const expected = pkg.type === 'deb' ? ['Debian', 'Ubuntu'] : ['Alpine'];
      if (!expected.includes(ecosystemBase(distro.ecosystem))) {
        return { skip: `a ${pkg.type} package on ${os?.id ?? 'an unknown distribution'}: no advisories apply` };
      }
      const source = pkg.source;
      const name = source?.name ?? pkg.name;
      // Binary NMUs (`+b1`) and other binary-only versions differ from the source version:
      // without a recorded source version, the binary version is the best evidence there is.
      const version = source?.version ?? pkg.version;
      const via =
        source !== undefined && (source.name !== pkg.name || (source.version !== undefined && source.version !== pkg.version))
          ? `${pkg.type === 'deb' ? 'source package' : 'origin'} ${name} ${version}`
          : undefined;
      return { key: { ecosystem: distro.ecosystem, name: normalizeName(distro.ecosystem, name), version, ...(via ? { via } : {}) } };
    }
    case 'npm':
      return { key: { ecosystem: 'npm', name: normalizeName('npm', pkg.name), version: pkg.version } };
    case 'pypi':
      return { key: { ecosystem: 'PyPI', name: normalizeName('PyPI', pkg.name), version: pkg.version } };
    case 'maven':
      if (!/^[^:\s]+:[^:\s]+$/.test(pkg.name)) return { skip: `Maven package "${pkg.name}" is not group:artifact` };
      return { key: { ecosystem: 'Maven', name: pkg.name, version: pkg.version } };
    case 'golang': {
      const name = pkg.name === 'stdlib' || pkg.name === 'go' ? 'stdlib' : pkg.name;
      return { key: { ecosystem: 'Go', name, version: pkg.version } };
    }
    default:
      return { skip: `no OSV ecosystem for ${pkg.type} packages` };
  }
}
