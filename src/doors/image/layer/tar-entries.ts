import * as tar from 'tar-stream';

/** One archive entry: its header, and its bytes (to be read or drained, never abandoned). */
export type TarEntry = AsyncIterable<Buffer> & { header: tar.Header };

/**
 * Parses a tar stream with tar-stream (which, unlike node-tar, returns every entry,
 * whiteouts included), calling `onEntry` for each in order; the entry's bytes must be
 * consumed (or drained) before the next arrives. Back-pressure all the way: memory stays
 * bounded by one chunk whatever the archive's size. Rejects with the first error of the
 * input, the parser or `onEntry`, and when the stream stops before the tar's end.
 */
export async function forEachTarEntry(input: AsyncIterable<Buffer>, onEntry: (entry: TarEntry) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const extract = tar.extract();
  let finished = false;
  extract.once('finish', () => (finished = true));
  const feeding = (async () => {
    try {
      for await (const c of input) {
        if (signal?.aborted) throw signal.reason;
        if (extract.destroyed) return;
        if (!extract.write(c)) await drained(extract);
      }
      extract.end(undefined);
    } catch (e) {
      extract.destroy(e as Error);
    }
  })();
  try {
    for await (const entry of extract) await onEntry(entry as unknown as TarEntry);
  } catch (e) {
    extract.destroy(e as Error);
    await feeding;
    throw e;
  }
  await feeding;
  // tar-stream ends its iteration quietly when the parser is destroyed without an error
  // (as it is when an entry stream is closed early): that must never pass for the end.
  if (!finished && !extract.destroyed) await new Promise<void>((resolve) => extract.once('close', () => resolve()));
  if (!finished) throw new Error('Unexpected end of data: the tar stream stopped before its end');
}

/** Reads an entry's bytes and drops them. */
export async function drain(entry: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of entry) {
    /* skip */
  }
}

/** Reads a small entry whole; past `limit` bytes it stops with `undefined` (and the caller says why). */
export async function readSmall(entry: AsyncIterable<Buffer>, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of entry) {
    size += c.length;
    if (size > limit) {
      await drain(entry);
      return undefined;
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** 'drain', or 'close' when the parser was destroyed meanwhile (the feeder then stops). */
function drained(w: tar.Extract): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });
}
