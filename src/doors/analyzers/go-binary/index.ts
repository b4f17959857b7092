import type { Analyzer, AnalyzerResult, StreamConsumer } from '../analyzer.ts';
import type { InventoryProblem, Package } from '../../../models/inventory.ts';
import { purl } from '../purl.ts';
import { buildInfoScanner, type BuildInfoResult } from './scanner.ts';

/** Executables larger than this are not scanned (and say so): the largest Go binaries in images are a few hundred MB. */
export const MAX_BINARY = 500 * 1024 * 1024;
/** Smaller than any ELF executable with program headers. */
const MIN_BINARY = 128;

/**
 * Go modules and the Go toolchain of every Go executable, from the build information the
 * linker embeds (what `go version -m` prints): the main module (`path`/`mod`), each
 * dependency (`dep`, and the `=>` line that replaces it), and the toolchain as the
 * package `stdlib` with its version without the `go` prefix (`1.22.3`), which is how the
 * Go vulnerability database names the standard library.
 *
 * A dependency replaced by another module is listed as that module (its code is what was
 * built); one replaced by a local directory keeps its own path and required version,
 * since the directory has none. Every regular file with an execute bit is streamed past
 * the scanner once; nothing of it is kept.
 */
export const analyzer: Analyzer<BuildInfoResult> = {
  name: 'go-binary',
  version: 1,
  kind: 'packages',
  want(file) {
    return file.type === 'file' && (file.mode & 0o111) !== 0 && file.size >= MIN_BINARY ? 'stream' : undefined;
  },
  consume(file) {
    if (file.size > MAX_BINARY) return notScanned(`it is ${file.size} bytes, larger than the ${MAX_BINARY} Moat scans for Go build info; it was not read`);
    return buildInfoScanner();
  },
  analyze(ctx) {
    const packages: Package[] = [];
    const problems: InventoryProblem[] = [];
    for (const { file, result } of ctx.streamed) {
      if (!result.ok) {
        problems.push({ analyzer: 'go-binary', path: file.path, message: `/${file.path}: ${result.message}` });
        continue;
      }
      const at = { foundIn: file.path, ...(file.layer ? { layer: file.layer.diffId } : {}), analyzer: 'go-binary' };
      const { modules, problems: bad } = parseModinfo(result.modinfo);
      for (const m of bad) problems.push({ analyzer: 'go-binary', path: file.path, message: `/${file.path}: ${m}` });
      const stdlib = toolchainVersion(result.goVersion);
      packages.push({ type: 'golang', name: 'stdlib', version: stdlib, purl: purl('golang', undefined, 'stdlib', stdlib), ...at });
      for (const m of modules) {
        const cut = m.path.lastIndexOf('/');
        packages.push({ type: 'golang', name: m.path, version: m.version, purl: purl('golang', cut > 0 ? m.path.slice(0, cut) : undefined, m.path.slice(cut + 1), m.version), ...at });
      }
    }
    return { packages, problems } satisfies AnalyzerResult;
  },
};

function notScanned(message: string): StreamConsumer<BuildInfoResult> {
  return { write() {}, end: () => ({ ok: false, message }) };
}

/** `go1.22.3` → `1.22.3`; `go1.21rc2` → `1.21rc2`; suffixes such as ` X:boringcrypto` dropped; `devel …` kept as it is. */
export function toolchainVersion(v: string): string {
  const m = /^go(\d+(?:\.\d+)*(?:(?:rc|beta)\d+)?)(?:$|[\s+-])/.exec(v);
  return m ? (m[1] as string) : v.trim() || 'unknown';
}

// What cmd/go accepts in a module path (module.CheckPath) and a version, loosely: no spaces, no empty elements.
const MODULE_PATH = /^[A-Za-z0-9.~_+!-]+(\/[A-Za-z0-9.~_+!-]+)*$/;
const MODULE_VERSION = /^[^\s]{1,200}$/;

export interface GoModule {
  path: string;
  version: string;
}

/**
 * The module text of build info (runtime/debug.BuildInfo's String form): tab-separated
 * lines `path P`, `mod P V [sum]`, `dep P V [sum]`, `=> P V [sum]` (replaces the line
 * before), `build K=V`. The main module is listed first, then dependencies in order.
 */
export function parseModinfo(text: string): { modules: GoModule[]; problems: string[] } {
  const modules: GoModule[] = [];
  const problems: string[] = [];
  let last: { module: GoModule; index: number } | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t');
    const kind = f[0];
    if (kind === 'path' || kind === 'build') continue;
    if (kind === 'mod' || kind === 'dep') {
      const [path, version] = [f[1] ?? '', f[2] ?? ''];
      if (!MODULE_PATH.test(path) || !MODULE_VERSION.test(version)) {
        problems.push(`its build info has a malformed "${kind}" line (${JSON.stringify(line.slice(0, 200))}); that module is not listed`);
        last = undefined;
        continue;
      }
      const module = { path, version };
      modules.push(module);
      last = { module, index: modules.length - 1 };
      continue;
    }
    if (kind === '=>') {
      const [path, version] = [f[1] ?? '', f[2] ?? ''];
      if (!last || !path) {
        problems.push(`its build info has a replacement line with nothing to replace (${JSON.stringify(line.slice(0, 200))})`);
        continue;
      }
      // A local directory (`=> ../dep`) has no version of its own: the required one stays.
      if (version && version !== '(devel)' && !path.startsWith('.') && !path.startsWith('/')) modules[last.index] = { path, version };
      last = undefined;
    }
  }
  return { modules, problems };
}
