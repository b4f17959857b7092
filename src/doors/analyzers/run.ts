import type { FileTree } from '../image/files/tree.ts';
import type { FoldedPackage, Inventory, InventoryProblem, OsRelease, Package, PackageType } from '../../models/inventory.ts';
import type { Analyzer, AnalyzerResult } from './analyzer.ts';

/**
 * Runs analyzers over a merged view: OS analyzers first (the first that finds a release
 * wins), then package analyzers with that OS in hand. An analyzer that throws is a bug,
 * but it must not take the others down: its failure becomes a problem in the inventory,
 * which the CLI reports, so the result is never silently short.
 */
export async function runAnalyzers(files: FileTree, analyzers: readonly Analyzer[], problems: InventoryProblem[] = []): Promise<Inventory> {
  let os: OsRelease | undefined;
  let packages: Package[] = [];
  const all = [...problems];
  const owned = new Map<string, string>();
  const ordered = [...analyzers.filter((a) => a.kind === 'os'), ...analyzers.filter((a) => a.kind !== 'os')];
  for (const a of ordered) {
    let result: AnalyzerResult;
    try {
      result = await a.analyze({ files, ...(a.kind === 'os' || !os ? {} : { os }), streamed: files.streamedBy(a.name) });
    } catch (e) {
      all.push({ analyzer: a.name, message: `the ${a.name} analyzer failed: ${(e as Error).message}` });
      continue;
    }
    if (result.os && !os) os = result.os;
    packages.push(...(result.packages ?? []).map((p) => ({ ...p, analyzer: `${a.name}@${a.version}` })));
    all.push(...(result.problems ?? []));
    for (const o of result.owned ?? []) if (!owned.has(o.path)) owned.set(o.path, o.by);
  }
  const folded: FoldedPackage[] = [];
  if (owned.size > 0) {
    packages = packages.filter((p) => {
      const by = FOLDABLE.has(p.type) && !nested(p) ? owned.get(files.stat(p.foundIn, false)?.path ?? p.foundIn) : undefined;
      if (by !== undefined) folded.push({ purl: p.purl, foundIn: p.foundIn, ownedBy: by });
      return by === undefined;
    });
  }
  packages.sort((x, y) => (x.type !== y.type ? (x.type < y.type ? -1 : 1) : x.name !== y.name ? (x.name < y.name ? -1 : 1) : x.version < y.version ? -1 : x.version > y.version ? 1 : 0));
  return {
    ...(os ? { os } : {}),
    packages,
    analyzers: analyzers.map((a) => ({ name: a.name, version: a.version })),
    problems: all,
    ...(folded.length ? { folded: folded.sort((a, b) => (a.foundIn < b.foundIn ? -1 : 1)) } : {}),
  };
}

/**
 * Language packages an OS package can own. Go modules are kept: a Debian-built Go binary
 * embeds module versions its Debian version does not describe (their advisories are the
 * modules'), which is also why Syft keeps them.
 */
const FOLDABLE = new Set<PackageType>(['pypi', 'npm', 'maven']);

/** A library bundled inside the jar the OS package installed (`lib/x.jar!/...`): not what the OS package's version describes, so it stays. */
function nested(p: Package): boolean {
  return p.inArchive !== undefined && (p.inArchive.includes('!/') || /\.(jar|war|ear)$/.test(p.inArchive));
}
