import type { FileTree } from '../image/files/tree.ts';
import type { Inventory, InventoryProblem, OsRelease, Package } from '../models/inventory.ts';
import type { Analyzer, AnalyzerResult } from './analyzer.ts';

/**
 * Runs analyzers over a merged view: OS analyzers first (the first that finds a release
 * wins), then package analyzers with that OS in hand. An analyzer that throws is a bug,
 * but it must not take the others down: its failure becomes a problem in the inventory,
 * which the CLI reports, so the result is never silently short.
 */
export async function runAnalyzers(files: FileTree, analyzers: readonly Analyzer[], problems: InventoryProblem[] = []): Promise<Inventory> {
  let os: OsRelease | undefined;
  const packages: Package[] = [];
  const all = [...problems];
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
  }
  packages.sort((x, y) => (x.type !== y.type ? (x.type < y.type ? -1 : 1) : x.name !== y.name ? (x.name < y.name ? -1 : 1) : x.version < y.version ? -1 : x.version > y.version ? 1 : 0));
  return {
    ...(os ? { os } : {}),
    packages,
    analyzers: analyzers.map((a) => ({ name: a.name, version: a.version })),
    problems: all,
  };
}
