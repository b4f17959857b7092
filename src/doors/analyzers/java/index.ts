import { open, type FileHandle } from 'node:fs/promises';
import type { Analyzer, AnalyzerResult, StreamConsumer } from '../analyzer.ts';
import type { InventoryProblem, Package } from '../../../models/inventory.ts';
import { TempSpace } from '../../../util/temp-space.ts';
import { purl } from '../purl.ts';
import { ARCHIVE, LIMITS, readArchive, type ArchiveContents } from './archive.ts';
import { packagesOf, type JavaPackage } from './metadata.ts';

/** An outer archive larger than this is not read (and says so). */
export const MAX_ARCHIVE = 512 * 1024 * 1024;

export interface JavaResult {
  packages: JavaPackage[];
  problems: string[];
}

/**
 * Java packages from the archives in an image: each `pom.properties` Maven's build put
 * in a jar (a fat jar carries one per shaded dependency), in nested archives too; for an
 * archive with none, its manifest (Bundle-SymbolicName / Implementation-Title and their
 * versions) or its file name. Maven packages are named `groupId:artifactId`; an archive
 * that names no group is listed as a `generic` package, seen in the inventory but not
 * matched against a guessed group.
 *
 * The archive streams past once into memory (small) or Moat's temp space, is read
 * through its central directory when it ends, and only the packages found are kept.
 */
export const analyzer: Analyzer<JavaResult> = {
  name: 'java',
  version: 1,
  kind: 'packages',
  want(file) {
    return ARCHIVE.test(file.path) ? 'stream' : undefined;
  },
  consume(file) {
    if (file.size > MAX_ARCHIVE) {
      return { write() {}, end: () => ({ packages: [], problems: [`it is ${file.size} bytes, larger than the ${MAX_ARCHIVE} Moat reads of a Java archive; it was not read`] }) };
    }
    return archiveConsumer(file.path);
  },
  analyze(ctx) {
    const packages: Package[] = [];
    const problems: InventoryProblem[] = [];
    for (const { file, result } of ctx.streamed) {
      for (const m of result.problems) problems.push({ analyzer: 'java', path: file.path, message: `/${file.path}: ${m}` });
      for (const p of result.packages) {
        const [group, artifact] = p.group ? [p.group, p.artifact] : [undefined, p.artifact];
        packages.push({
          type: group ? 'maven' : 'generic',
          name: group ? `${group}:${artifact}` : artifact,
          version: p.version,
          purl: purl(group ? 'maven' : 'generic', group, artifact, p.version),
          foundIn: file.path,
          ...(p.inArchive ? { inArchive: p.inArchive } : {}),
          ...(file.layer ? { layer: file.layer.diffId } : {}),
          analyzer: 'java',
        });
      }
    }
    return { packages, problems } satisfies AnalyzerResult;
  },
};

function archiveConsumer(path: string): StreamConsumer<JavaResult> {
  let temp: TempSpace | undefined;
  const space = (): TempSpace => (temp ??= new TempSpace('moat-java-'));
  let chunks: Buffer[] = [];
  let size = 0;
  let file: { handle: FileHandle; path: string } | undefined;
  const dispose = (): void => {
    chunks = [];
    temp?.dispose();
    temp = undefined;
  };
  return {
    async write(chunk) {
      size += chunk.length;
      if (file) {
        await file.handle.write(chunk);
        return;
      }
      chunks.push(Buffer.from(chunk));
      if (size > LIMITS.inMemory) {
        const p = space().nextPath('.jar');
        file = { handle: await open(p, 'wx', 0o600), path: p };
        for (const c of chunks) await file.handle.write(c);
        chunks = [];
      }
    },
    async end() {
      try {
        if (file) await file.handle.close();
        const contents: ArchiveContents = await readArchive(file ? { kind: 'file', path: file.path } : { kind: 'buffer', data: Buffer.concat(chunks, size) }, space);
        return packagesOf(contents, baseName(path));
      } finally {
        dispose();
      }
    },
    abort() {
      void file?.handle.close().catch(() => undefined);
      dispose();
    },
  };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
