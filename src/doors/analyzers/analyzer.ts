import { FileUnavailableError, type FileInfo, type FileMeta } from '../image/files/tree.ts';
import type { InventoryProblem, OsRelease, Package } from '../../models/inventory.ts';

/**
 * The analyzer framework. An image is read once, as a stream of layers; analyzers never
 * see the archive. Each analyzer:
 *
 * 1. declares, from an entry's header alone (path, type, size, mode: no bytes), whether it
 *    wants the file (`want`). The decision is made for every regular file of every layer as
 *    it streams past, so it must be cheap and pure (a path comparison, a prefix test).
 *    - `'content'`: keep the bytes (small files: package databases, manifests, release
 *      files). They are read after the pass, from the merged view, only if the file
 *      survives into the final image (a later layer may delete or replace it). Files up to
 *      4 MiB stay in memory, larger ones go to Moat's temp directory, over 512 MiB nothing is
 *      kept and reading reports why.
 *    - `'stream'`: the analyzer reads the bytes once, during the pass, through `consume`
 *      (for large files it only needs to scan: Go build info in executables, JAR
 *      manifests). Nothing is stored but the small result `consume` returns, and that result
 *      is given to `analyze` only if the very file it came from is in the final view.
 * 2. `analyze`s the merged view after the pass: reads wanted files (`ctx.files.readFile`,
 *    which follows symlinks inside the image root), lists directories, and receives the
 *    surviving stream results (`ctx.streamed`). It returns packages (and, for OS analyzers,
 *    the release), and problems for what it could not read. It must not throw for bad
 *    file contents: a malformed database is a problem with a path, never a crash or a
 *    silent empty list.
 *
 * Analyzers of `kind: 'os'` run first; the others receive the detected OS in `ctx.os`
 * (package URLs of distribution packages carry it as `distro=`).
 *
 * To add an analyzer: make a folder under src/doors/analyzers/ holding `index.ts` that exports
 * `analyzer`, and add it to src/doors/analyzers/index.ts (a test checks the list equals the
 * folders). Bump `version` whenever its output for the same input changes: SBOMs and
 * reports record it.
 */
export interface Analyzer<S = unknown> {
  /** Stable, kebab-case: recorded in every package it finds and in SBOM metadata. */
  readonly name: string;
  /** Whole number, bumped when output for the same input changes. */
  readonly version: number;
  /** `os` analyzers run before the others, which see their result. */
  readonly kind: 'os' | 'packages';
  want(file: FileHeader): Want | undefined;
  /** Required when `want` can answer `'stream'`. */
  consume?(file: FileHeader): StreamConsumer<S>;
  analyze(ctx: AnalysisContext<S>): Promise<AnalyzerResult> | AnalyzerResult;
}

export type Want = 'content' | 'stream';

/** An entry's header as the archive (or lstat) gives it: the only thing `want` may look at. */
export interface FileHeader extends FileMeta {
  /** Inside the image root, no leading slash: `var/lib/dpkg/status`. */
  path: string;
}

/**
 * Receives one file's bytes in order during the pass. `write` may return a promise to
 * apply back-pressure. `end` gives the result to keep (`undefined`: nothing found); after
 * `abort` (the pass failed, or the file was cut short) nothing is kept.
 */
export interface StreamConsumer<S> {
  write(chunk: Buffer): void | Promise<void>;
  end(): S | undefined | Promise<S | undefined>;
  abort?(): void;
}

export interface AnalysisContext<S = unknown> {
  files: ReadonlyFiles;
  /** The OS found by `os` analyzers (undefined for them, and for images with none). */
  os?: OsRelease;
  /** This analyzer's stream results on files present in the final view. */
  streamed: Array<{ file: FileInfo; result: S }>;
}

/** The merged view, read-only. */
export interface ReadonlyFiles {
  stat(path: string, follow?: boolean): FileInfo | undefined;
  list(dir: string): string[] | undefined;
  /** Throws FileUnavailableError (message says why) when missing, not a file, or not kept. */
  readFile(path: string): Promise<Buffer>;
}

/**
 * Reads a wanted file as text; `undefined` when it is absent or not a regular file, and a
 * problem (never an exception) when it is there but unreadable.
 */
export async function readText(files: ReadonlyFiles, path: string, analyzer: string, problems: InventoryProblem[]): Promise<string | undefined> {
  const info = files.stat(path);
  if (!info || info.type !== 'file') return undefined;
  try {
    return (await files.readFile(path)).toString('utf8');
  } catch (e) {
    problems.push({ analyzer, path, message: e instanceof FileUnavailableError ? e.message : `cannot read /${path}: ${(e as Error).message}` });
    return undefined;
  }
}

export interface AnalyzerResult {
  os?: OsRelease;
  packages?: Package[];
  problems?: InventoryProblem[];
  /**
   * OS package analyzers: files their packages installed that could prove a language
   * package (`*.dist-info/METADATA`, `package.json`, `*.jar`), as resolved paths in the
   * merged view. A language package proved by one of them is folded into the OS package
   * (see runAnalyzers).
   */
  owned?: ReadonlyArray<{ path: string; by: string }>;
}

/** Files of an OS package's list that could prove a language package: only these are kept from dpkg's and apk's file lists. */
export const LANGUAGE_PROOF = /\.(dist-info|egg-info)(\/METADATA|\/PKG-INFO)?$|\.egg\/EGG-INFO\/PKG-INFO$|\/package\.json$|\.jar$/;
