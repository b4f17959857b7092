import { writeFileSync } from 'node:fs';
import type { Analyzer, AnalyzerResult, ReadonlyFiles } from '../analyzer.ts';
import { FileUnavailableError } from '../../image/files/tree.ts';
import type { InventoryProblem, OsRelease, Package } from '../../../models/inventory.ts';
import { TempSpace } from '../../../util/temp-space.ts';
import { distroQualifier, purl } from '../purl.ts';
import { bdbHashValues, bdbKind, isBdbHash } from './bdb.ts';
import { parseSourceRpm, readPackageInfo, type RpmPackageInfo } from './header.ts';
import { isNdb, ndbBlobs } from './ndb.ts';
import { isSqlite, sqliteBlobs } from './sqlite.ts';

/** Where rpm keeps its database: Fedora 36+ and SUSE moved it to sysimage (var/lib/rpm is then a symlink there). */
const DIRS = ['usr/lib/sysimage/rpm', 'var/lib/rpm'];
type Format = 'sqlite' | 'ndb' | 'bdb';
/** In the order rpm itself prefers them when more than one is present. */
const FILES: Array<{ name: string; format: Format }> = [
  { name: 'rpmdb.sqlite', format: 'sqlite' },
  { name: 'Packages.db', format: 'ndb' },
  { name: 'Packages', format: 'bdb' },
];
const WANTED = new Set(DIRS.flatMap((d) => [...FILES.map((f) => `${d}/${f.name}`), `${d}/rpmdb.sqlite-wal`]));

/** At most this many unreadable headers are reported one by one; the rest are counted. */
const MAX_HEADER_PROBLEMS = 20;

/**
 * Red Hat, Fedora, SUSE, Amazon Linux and Mariner packages from rpm's database, in each of
 * its three formats: sqlite (RHEL 9, Fedora 33+), BerkeleyDB hash (RHEL 7/8, Amazon Linux 2)
 * and ndb (SUSE). The format is told from the file's bytes, not its name; anything else
 * is a problem naming what it is ("unsupported rpmdb format"), never an empty list.
 *
 * Each package keeps its epoch in the version (`1:3.0.7-27.el9`, as rpm's %{EVR} and
 * advisories write it) and its source RPM as the source package, with the same epoch.
 * `gpg-pubkey` entries are imported signing keys, not software: they are not listed.
 */
export const analyzer: Analyzer = {
  name: 'rpm',
  version: 1,
  kind: 'packages',
  want(file) {
    return WANTED.has(file.path) ? 'content' : undefined;
  },
  async analyze(ctx) {
    const packages: Package[] = [];
    const problems: InventoryProblem[] = [];
    const done = new Set<string>();
    for (const dir of DIRS) {
      const real = ctx.files.stat(dir, true);
      if (real?.type !== 'dir' || done.has(real.path)) continue;
      done.add(real.path);
      const db = FILES.find((f) => ctx.files.stat(`${dir}/${f.name}`, true)?.type === 'file');
      if (!db) continue;
      const path = `${dir}/${db.name}`;
      const found = await readDatabase(ctx.files, path, ctx.os, problems);
      const info = ctx.files.stat(path, true);
      packages.push(...found.map((p) => ({ ...p, foundIn: info?.path ?? path, ...(info?.layer ? { layer: info.layer.diffId } : {}) })));
    }
    return { packages, problems } satisfies AnalyzerResult;
  },
};

async function readDatabase(files: ReadonlyFiles, path: string, os: OsRelease | undefined, problems: InventoryProblem[]): Promise<Package[]> {
  const problem = (message: string): void => void problems.push({ analyzer: 'rpm', path, message: `/${path}: ${message}` });
  let bytes: Buffer;
  try {
    bytes = await files.readFile(path);
  } catch (e) {
    problem(e instanceof FileUnavailableError ? `${e.message}; the rpm packages it lists are not known` : `cannot read it (${(e as Error).message})`);
    return [];
  }
  const packages: Package[] = [];
  const headerProblems: string[] = [];
  let bad = 0;
  const add = (index: number, blob: Buffer): void => {
    let info: RpmPackageInfo;
    try {
      info = readPackageInfo(blob);
    } catch (e) {
      if (++bad <= MAX_HEADER_PROBLEMS) headerProblems.push(`header ${index}: ${(e as Error).message}`);
      return;
    }
    if (info.name === 'gpg-pubkey') return;
    packages.push(toPackage(info, os));
  };
  const temp = isSqlite(bytes) ? new TempSpace('moat-rpmdb-') : undefined;
  try {
    if (temp) {
      // node:sqlite opens files, not buffers: a private copy (0600), never the image's path.
      const copy = temp.nextPath('.sqlite');
      writeFileSync(copy, bytes, { mode: 0o600, flag: 'wx' });
      const wal = `${path}-wal`;
      if (files.stat(wal, true)?.type === 'file') writeFileSync(`${copy}-wal`, await files.readFile(wal), { mode: 0o600, flag: 'wx' });
      for (const { index, blob } of sqliteBlobs(copy)) add(index, blob);
    } else if (isNdb(bytes)) {
      for (const { index, blob } of ndbBlobs(bytes)) add(index, blob);
    } else if (isBdbHash(bytes)) {
      let n = 0;
      for (const { key, value } of bdbHashValues(bytes)) {
        n++;
        // Record 0 holds rpm's next instance number, not a header.
        if (key.length === 4 && key.readUInt32LE(0) === 0) continue;
        add(key.length === 4 ? key.readUInt32LE(0) : n, value);
      }
    } else {
      const kind = bdbKind(bytes);
      problem(`unsupported rpmdb format: ${kind ? `a BerkeleyDB ${kind} database` : bytes.length === 0 ? 'an empty file' : 'neither SQLite, BerkeleyDB hash nor rpm ndb'}; the rpm packages it lists are not known`);
      return [];
    }
  } catch (e) {
    problem(`${(e as Error).message}; ${packages.length ? `only the ${packages.length} packages before the damage are listed` : 'the rpm packages it lists are not known'}`);
  } finally {
    temp?.dispose();
  }
  for (const h of headerProblems) problem(`${h}; that package is not listed`);
  if (bad > MAX_HEADER_PROBLEMS) problem(`${bad - MAX_HEADER_PROBLEMS} more headers could not be read; those packages are not listed`);
  return packages;
}

function toPackage(info: RpmPackageInfo, os: OsRelease | undefined): Omit<Package, 'foundIn'> & { foundIn: string } {
  const evr = (v: string, r: string): string => `${info.epoch !== undefined ? `${info.epoch}:` : ''}${v}-${r}`;
  const src = info.sourceRpm ? parseSourceRpm(info.sourceRpm) : undefined;
  return {
    type: 'rpm',
    name: info.name,
    version: evr(info.version, info.release),
    ...(src ? { source: { name: src.name, version: evr(src.version, src.release) } } : {}),
    ...(info.arch ? { arch: info.arch } : {}),
    ...(info.license ? { licenses: [info.license] } : {}),
    ...(info.vendor ? { supplier: info.vendor } : {}),
    purl: purl('rpm', namespaceOf(os), info.name, `${info.version}-${info.release}`, {
      arch: info.arch,
      epoch: info.epoch !== undefined ? String(info.epoch) : undefined,
      distro: distroQualifier(os),
    }),
    foundIn: '',
    analyzer: 'rpm',
  };
}

/** Red Hat's own advisories (CSAF/VEX) write `pkg:rpm/redhat/…`; other distributions their os-release ID. */
function namespaceOf(os: OsRelease | undefined): string | undefined {
  if (!os) return undefined;
  return os.id === 'rhel' ? 'redhat' : os.id;
}
