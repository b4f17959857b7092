/**
 * What an image, a root file system or an SBOM contains: the operating system and the
 * packages, each with the file that proved it. Analyzers produce it; vulnerability
 * matching, image rules and SBOM writers read it.
 */
export interface Inventory {
  /** The detected distribution; `undefined` when no release file was found (scratch, distroless without one). */
  os?: OsRelease;
  packages: Package[];
  /** Analyzers that ran, with their versions: recorded in SBOMs and reports so results can be reproduced. */
  analyzers: Array<{ name: string; version: number }>;
  /**
   * What could not be inventoried and why (an unsupported rpmdb format, a truncated
   * status file): never a silent empty list.
   */
  problems: InventoryProblem[];
  /**
   * Language packages left out because an OS package owns the file that proved them
   * (Debian's python3-yaml installs `yaml-*.dist-info`): reported once, as the OS
   * package, as Syft does by default. Absent when none was folded.
   */
  folded?: FoldedPackage[];
}

export interface FoldedPackage {
  purl: string;
  foundIn: string;
  /** The OS package that owns `foundIn`, as `type:name` (`deb:python3-yaml`). */
  ownedBy: string;
}

export interface OsRelease {
  /** `ID` of os-release, lower case: `debian`, `ubuntu`, `alpine`, `rhel`, `rocky`... */
  id: string;
  /** `VERSION_ID`: `12`, `22.04`, `3.20.3`. */
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  /** `ID_LIKE`, split. */
  idLike: string[];
  /** The file that proved it (`usr/lib/os-release`, `etc/alpine-release`...). */
  foundIn: string;
}

/**
 * Package URL types (https://github.com/package-url/purl-spec) name the ecosystems, so
 * one vocabulary serves purls, SBOMs and the mapping to OSV ecosystem names.
 */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'generic';

export interface Package {
  type: PackageType;
  /** As the ecosystem writes it: `libssl3`, `@scope/name`, `requests`, `github.com/x/y`, `org.apache:commons-text` (Maven: group:artifact). */
  name: string;
  version: string;
  /**
   * The package the advisories name, when it differs from the binary package:
   * Debian/Ubuntu source package and source version, Alpine origin, RPM source RPM.
   */
  source?: { name: string; version?: string };
  arch?: string;
  licenses?: string[];
  /** Who built and ships the package, as its metadata says (rpm's Vendor: `Red Hat, Inc.`). */
  supplier?: string;
  purl: string;
  /** Path inside the image (no leading slash) of the file that proved the package. */
  foundIn: string;
  /**
   * When `foundIn` is an archive (a jar): the file inside it that proved the package,
   * through nested archives joined with `!/` (`BOOT-INF/lib/x-1.0.jar!/META-INF/maven/g/x/pom.properties`).
   */
  inArchive?: string;
  /** Digest of the layer that last wrote `foundIn`, when known (the layer's diff_id: the digest of its uncompressed tar). */
  layer?: string;
  /**
   * Digest (diff_id) of the layer that installed the package, when the package manager's
   * per-package files show it (dpkg's `info/<name>.list`). `layer` is often a later one:
   * every `apt-get install` rewrites the status file.
   */
  addedIn?: string;
  /** Name and version of the analyzer that found it. */
  analyzer: string;
}

export interface InventoryProblem {
  analyzer: string;
  /** Path of the file that could not be read, when one. */
  path?: string;
  message: string;
}
