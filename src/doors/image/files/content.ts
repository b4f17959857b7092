import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { TempSpace } from '../../../util/temp-space.ts';

/** Kept bytes of one wanted file: small ones in memory, larger ones in Moat's temp space. */
export type Content = { kind: 'memory'; data: Buffer } | { kind: 'file'; path: string; size: number };

export interface FileDigests {
  sha1: string;
  sha256: string;
}

/** Files up to this size stay in memory; package databases are mostly well under it. */
export const MEMORY_LIMIT = 4 * 1024 * 1024;
/** A wanted file larger than this is not kept (and the analyzer is told): no package database is this big. */
export const CONTENT_LIMIT = 512 * 1024 * 1024;

/**
 * Collects one file's bytes as they stream past, spilling to a temp file beyond
 * MEMORY_LIMIT. `finish()` gives the content, or `undefined` when the file was larger
 * than CONTENT_LIMIT (then nothing is kept).
 */
export class ContentCollector {
  /** SHA-1 (SPDX requires it for files) and SHA-256 of what was kept: evidence in SBOMs outlives the content. */
  private readonly sha1 = createHash('sha1');
  private readonly sha256 = createHash('sha256');
  private chunks: Buffer[] = [];
  private size = 0;
  private file?: { handle: FileHandle; path: string };
  private tooLarge = false;
  private readonly temp: TempSpace;

  constructor(temp: TempSpace) {
    this.temp = temp;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.tooLarge) return;
    this.sha1.update(chunk);
    this.sha256.update(chunk);
    this.size += chunk.length;
    if (this.size > CONTENT_LIMIT) {
      this.tooLarge = true;
      this.chunks = [];
      await this.discardFile();
      return;
    }
    if (this.file) {
      await this.file.handle.write(chunk);
      return;
    }
    // A copy: the chunk is usually a slice of a much larger read buffer, which it would keep alive.
    this.chunks.push(Buffer.from(chunk));
    if (this.size > MEMORY_LIMIT) {
      const path = this.temp.nextPath('.blob');
      // `wx`: the name is Moat's own and must not exist; 0600: contents may be secrets.
      const handle = await open(path, 'wx', 0o600);
      this.file = { handle, path };
      for (const c of this.chunks) await handle.write(c);
      this.chunks = [];
    }
  }

  async finish(): Promise<{ content: Content; digests: FileDigests } | undefined> {
    if (this.tooLarge) return undefined;
    const digests = { sha1: this.sha1.digest('hex'), sha256: this.sha256.digest('hex') };
    if (this.file) {
      await this.file.handle.close();
      return { content: { kind: 'file', path: this.file.path, size: this.size }, digests };
    }
    return { content: { kind: 'memory', data: this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks) }, digests };
  }

  /** On error: close and forget whatever was written. */
  async abort(): Promise<void> {
    this.chunks = [];
    await this.discardFile();
  }

  private async discardFile(): Promise<void> {
    if (!this.file) return;
    const f = this.file;
    this.file = undefined;
    await f.handle.close().catch(() => undefined);
    // The temp space is removed as a whole at the end; nothing else to do here.
  }
}

export async function readContent(c: Content): Promise<Buffer> {
  return c.kind === 'memory' ? c.data : readFile(c.path);
}

export function streamContent(c: Content): Readable | AsyncIterable<Buffer> {
  if (c.kind === 'file') return createReadStream(c.path);
  return (async function* () {
    yield c.data;
  })();
}
