import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';
import type { TempSpace } from '../../../util/temp-space.ts';

/**
 * Reads what Moat needs from Java archives (jar, war, ear and plugin formats, which are
 * zip files) through their central directory, as the JVM does, with yauzl: Maven's
 * `pom.properties`, the manifest, and archives nested inside (Spring Boot's
 * `BOOT-INF/lib/*.jar`, a war's `WEB-INF/lib`, an ear's modules). Hostile archives are
 * bounded: nesting depth, the bytes inflated in total for one outer archive, entries per
 * archive, and the size of each metadata file; a declared size that the data does not
 * match fails (yauzl checks), so a zip bomb cannot pass off more than it declares.
 */

export const LIMITS = {
  /** The outer archive is depth 0: a jar in a war in an ear is depth 2. */
  depth: 4,
  /** Bytes inflated for one outer archive, nested archives and metadata together. */
  totalBytes: 1024 * 1024 * 1024,
  entries: 200_000,
  metadataBytes: 1024 * 1024,
  /** Nested archives up to this size are inflated into memory, larger ones into Moat's temp space. */
  inMemory: 16 * 1024 * 1024,
};

const NESTED = /\.(jar|war|ear|jpi|hpi|rar|sar|par|kar|nar)$/i;
export const ARCHIVE = /\.(jar|war|ear|jpi|hpi)$/i;

export interface ArchiveFile {
  /** Inside the outer archive, nested archives joined with `!/`: `WEB-INF/lib/x.jar!/META-INF/MANIFEST.MF`. */
  path: string;
  text: string;
}

export interface ArchiveContents {
  /** One entry per archive read (the outer one first), with its metadata files. */
  archives: Array<{ path: string; poms: ArchiveFile[]; manifest?: ArchiveFile }>;
  problems: string[];
}

type Source = { kind: 'buffer'; data: Buffer } | { kind: 'file'; path: string };

interface Budget {
  bytes: number;
  temp: () => TempSpace;
}

export async function readArchive(source: Source, temp: () => TempSpace): Promise<ArchiveContents> {
  const out: ArchiveContents = { archives: [], problems: [] };
  await readOne(source, '', 0, { bytes: LIMITS.totalBytes, temp }, out);
  return out;
}

async function openZip(source: Source): Promise<ZipFile> {
  // Loaded when the first archive is read (10–19 ms), not by every command that imports the analyzers.
  const { default: yauzl } = await import('yauzl');
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
  return source.kind === 'buffer' ? yauzl.fromBufferPromise(source.data, options) : yauzl.openPromise(source.path, options);
}

async function readOne(source: Source, prefix: string, depth: number, budget: Budget, out: ArchiveContents): Promise<void> {
  const where = prefix === '' ? 'the archive' : prefix.slice(0, -2);
  let zip: ZipFile;
  try {
    zip = await openZip(source);
  } catch (e) {
    out.problems.push(`${where} is not a readable zip archive (${(e as Error).message})`);
    return;
  }
  const archive: ArchiveContents['archives'][number] = { path: prefix.slice(0, -2), poms: [] };
  out.archives.push(archive);
  const nested: Array<{ name: string; entry: Entry }> = [];
  try {
    let count = 0;
    for await (const entry of entries(zip)) {
      if (++count > LIMITS.entries) {
        out.problems.push(`${where} has more than ${LIMITS.entries} entries; the rest were not read`);
        break;
      }
      const name = decodeName(entry);
      if (name.endsWith('/')) continue;
      const isPom = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(name);
      const isManifest = name === 'META-INF/MANIFEST.MF';
      if (isPom || isManifest) {
        if (entry.isEncrypted()) {
          out.problems.push(`${prefix}${name} is encrypted; it was not read`);
          continue;
        }
        if (entry.uncompressedSize > LIMITS.metadataBytes) {
          out.problems.push(`${prefix}${name} declares ${entry.uncompressedSize} bytes, more than the ${LIMITS.metadataBytes} Moat reads of a metadata file; it was not read`);
          continue;
        }
        const text = (await inflate(zip, entry, budget, `${prefix}${name}`)).toString('utf8');
        const file = { path: `${prefix}${name}`, text };
        if (isPom) archive.poms.push(file);
        else archive.manifest = file;
      } else if (NESTED.test(name)) nested.push({ name, entry });
    }
    for (const { name, entry } of nested) {
      const inner = `${prefix}${name}`;
      if (depth + 1 > LIMITS.depth) {
        out.problems.push(`${inner} is nested ${depth + 1} archives deep, more than the ${LIMITS.depth} Moat opens; it was not read`);
        continue;
      }
      if (entry.isEncrypted()) {
        out.problems.push(`${inner} is encrypted; it was not read`);
        continue;
      }
      if (entry.uncompressedSize > budget.bytes) {
        out.problems.push(`${inner} declares ${entry.uncompressedSize} bytes, more than the ${budget.bytes} left of the ${LIMITS.totalBytes} Moat inflates from one archive; it and what follows were not read`);
        budget.bytes = 0;
        continue;
      }
      const src: Source = entry.uncompressedSize <= LIMITS.inMemory ? { kind: 'buffer', data: await inflate(zip, entry, budget, inner) } : { kind: 'file', path: await inflateToFile(zip, entry, budget, inner) };
      await readOne(src, `${inner}!/`, depth + 1, budget, out);
    }
  } catch (e) {
    out.problems.push(`${where} could not be read to the end (${(e as Error).message}); what it holds after that is not listed`);
  } finally {
    zip.close();
  }
}

async function* entries(zip: ZipFile): AsyncGenerator<Entry> {
  for (;;) {
    const next = await new Promise<Entry | undefined>((resolve, reject) => {
      const onEntry = (e: Entry): void => {
        cleanup();
        resolve(e);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(undefined);
      };
      const onError = (e: Error): void => {
        cleanup();
        reject(e);
      };
      const cleanup = (): void => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (!next) return;
    yield next;
  }
}

function decodeName(entry: Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  return Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
}

/** Counts inflated bytes against the budget as they come, so a lying entry is cut off at the budget, not after. */
function metered(budget: Budget, what: string): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      budget.bytes -= chunk.length;
      if (budget.bytes < 0) done(new Error(`${what} inflates past the ${LIMITS.totalBytes} bytes Moat inflates from one archive`));
      else done(null, chunk);
    },
  });
}

async function inflate(zip: ZipFile, entry: Entry, budget: Budget, what: string): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  const meter = stream.pipe(metered(budget, what));
  stream.on('error', (e) => meter.destroy(e));
  for await (const c of meter) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function inflateToFile(zip: ZipFile, entry: Entry, budget: Budget, what: string): Promise<string> {
  const path = budget.temp().nextPath('.jar');
  const stream = await zip.openReadStreamPromise(entry);
  await pipeline(stream, metered(budget, what), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  return path;
}
