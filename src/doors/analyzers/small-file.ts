import type { StreamConsumer } from './analyzer.ts';
import type { FileInfo } from '../image/files/tree.ts';
import type { InventoryProblem, Package } from '../../models/inventory.ts';

/** What a small-file consumer hands to `analyze`: the parse result, or why there is none. */
export type SmallFileResult<R> = { ok: true; value: R } | { ok: false; message: string };

/**
 * A stream consumer for small metadata files that can be anywhere in an image
 * (`node_modules/x/package.json`, `*.dist-info/METADATA`): it keeps at most `limit` bytes
 * and parses them when the file ends, so only the small parsed result is stored, whatever
 * the number of such files. A file over the limit is not kept (its bytes are skipped) and
 * the result says so; `enough` lets a parser stop keeping bytes once it has what it needs
 * (the header block of a METADATA file, not its long description).
 */
export function smallFileConsumer<R>(opts: { limit: number; parse: (bytes: Buffer) => SmallFileResult<R>; enough?: (kept: Buffer) => number | undefined }): StreamConsumer<SmallFileResult<R>> {
  const chunks: Buffer[] = [];
  let size = 0;
  let total = 0;
  let stopped = false;
  return {
    write(chunk) {
      if (stopped) return;
      total += chunk.length;
      if (total > opts.limit) {
        chunks.length = 0;
        return;
      }
      // A copy: the chunk is a view of the much larger read buffer, which it would keep alive.
      chunks.push(Buffer.from(chunk));
      size += chunk.length;
      if (opts.enough) {
        const joined = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        const cut = opts.enough(joined);
        if (cut !== undefined) {
          chunks.length = 0;
          chunks.push(joined.subarray(0, cut));
          stopped = true;
        } else if (chunks.length > 1) {
          chunks.length = 0;
          chunks.push(joined);
        }
      }
    },
    end() {
      if (!stopped && total > opts.limit) return { ok: false, message: `it is ${total} bytes, more than the ${opts.limit} Moat reads of such a file; it was not read` };
      return opts.parse(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    },
    abort() {
      chunks.length = 0;
    },
  };
}

/**
 * Turns the small-file results of a scan into packages (each with the file that proved it
 * and its layer) and problems (the file's path, then why).
 */
export function packagesFromResults<R>(
  streamed: Array<{ file: FileInfo; result: SmallFileResult<R> }>,
  analyzer: string,
  toPackage: (value: R) => Omit<Package, 'foundIn' | 'layer' | 'analyzer'>,
): { packages: Package[]; problems: InventoryProblem[] } {
  const packages: Package[] = [];
  const problems: InventoryProblem[] = [];
  for (const { file, result } of streamed) {
    if (!result.ok) problems.push({ analyzer, path: file.path, message: `/${file.path}: ${result.message}` });
    else packages.push({ ...toPackage(result.value), foundIn: file.path, ...(file.layer ? { layer: file.layer.diffId } : {}), analyzer });
  }
  return { packages, problems };
}
