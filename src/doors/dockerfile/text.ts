import { locatedMessage, MoatError } from '../../util/errors.ts';

/** Larger than any real Dockerfile by two orders of magnitude; past it the file is not a Dockerfile someone wrote. */
export const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes to text as BuildKit accepts them: UTF-8, a UTF-8 byte-order mark skipped, CRLF or LF.
 * Anything else (UTF-16, binary, invalid UTF-8, oversize) is a located `MoatError`, never
 * a garbled parse.
 */
export function decodeDockerfile(bytes: Uint8Array, file: string, what = 'Dockerfile'): string {
  if (bytes.length > MAX_DOCKERFILE_BYTES) {
    throw new MoatError('incomplete', locatedMessage(file, undefined, undefined, `file is ${(bytes.length / 1048576).toFixed(1)} MiB, over the ${MAX_DOCKERFILE_BYTES / 1048576} MiB limit for a ${what}: is it really one? (exclude it with .dockerignore or name the real file)`));
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new MoatError('incomplete', locatedMessage(file, 1, 1, 'file is UTF-16 encoded; Moat reads UTF-8 only, as the builder and compose do: save it as UTF-8'));
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, column } = positionOfByte(bytes, nul);
    throw new MoatError('incomplete', locatedMessage(file, line, column, `NUL byte: this is a binary file, not a ${what}`));
  }
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const { line, column } = positionOfByte(bytes, bad);
    throw new MoatError('incomplete', locatedMessage(file, line, column, 'invalid UTF-8: Moat reads UTF-8 only: save the file as UTF-8'));
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return i;
}

/** The file's lines without their line ends (`\r\n` or `\n`). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/**
 * Text assembled from pieces of source lines (a joined continuation, a heredoc body) that
 * still knows where each character came from, so a shell word found in it points at its
 * line and column in the file.
 */
export class MappedText {
  text: string;
  /** Start offsets in `text` of each piece, ascending. */
  private starts: number[];
  /** 1-based source line and column of each piece's first character. */
  private origins: { line: number; column: number }[];

  /** Empty, to `append` to; `slice` gives its result its parts directly (a long chain is sliced once per command). */
  constructor(text = '', starts: number[] = [], origins: { line: number; column: number }[] = []) {
    this.text = text;
    this.starts = starts;
    this.origins = origins;
  }

  append(piece: string, line: number, column: number): void {
    if (this.starts.length === 0) {
      // Most logical lines are one line of the file: arrays of one, not the 17 slots a first
      // push makes room for.
      this.starts = [this.text.length];
      this.origins = [{ line, column }];
    } else {
      this.starts.push(this.text.length);
      this.origins.push({ line, column });
    }
    this.text += piece;
  }

  /** `{ file, ...position(offset) }` in one object: every word of a file gets one. */
  locate(file: string, offset: number): { file: string; line: number; column: number } {
    const s = this.starts;
    if (s.length === 0) return { file, line: 1, column: 1 };
    const k = this.pieceAt(offset);
    const o = this.origins[k] as { line: number; column: number };
    return { file, line: o.line, column: o.column + offset - (s[k] as number) };
  }

  /** The last piece starting at or before `offset` (the first when none does). */
  private pieceAt(offset: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Source position of the character at `offset` (an offset at the end maps past the last character). */
  position(offset: number): { line: number; column: number } {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    if (hi < 0) return { line: 1, column: 1 };
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const o = this.origins[lo] as { line: number; column: number };
    return { line: o.line, column: o.column + offset - (s[lo] as number) };
  }

  /**
   * The text from `from` on (to `to`, when given), with its map. The text is one slice of
   * this text (the pieces are contiguous), and the search starts at the piece holding
   * `from`: a long RUN chain is sliced once per piece of it, and copying every piece of the
   * map for each was a tenth of what a lint allocates.
   */
  slice(from: number, to = this.text.length): MappedText {
    const s = this.starts;
    const length = this.text.length;
    // The first piece that ends after `from` (ends ascend with starts).
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const end = mid + 1 < s.length ? (s[mid + 1] as number) : length;
      if (end <= from) lo = mid + 1;
      else hi = mid;
    }
    // Most slices lie in one piece (a command of a chain): arrays of one, not the 17 slots a
    // first push makes room for.
    if (lo < s.length) {
      const start = s[lo] as number;
      const end = lo + 1 < s.length ? (s[lo + 1] as number) : length;
      if (end >= to && to > from && start < to) {
        const o = this.origins[lo] as { line: number; column: number };
        const skip = Math.max(0, from - start);
        return new MappedText(this.text.slice(start + skip, to), [0], [skip ? { line: o.line, column: o.column + skip } : o]);
      }
    }
    let first = -1;
    let last = -1;
    const starts: number[] = [];
    const origins: { line: number; column: number }[] = [];
    for (let i = lo; i < s.length; i++) {
      const start = s[i] as number;
      if (start >= to) break;
      const end = Math.min(to, i + 1 < s.length ? (s[i + 1] as number) : length);
      if (end <= from) continue;
      const o = this.origins[i] as { line: number; column: number };
      const skip = Math.max(0, from - start);
      if (first < 0) first = start + skip;
      last = end;
      starts.push(start + skip - first);
      origins.push(skip ? { line: o.line, column: o.column + skip } : o);
    }
    return new MappedText(first < 0 ? '' : this.text.slice(first, last), starts, origins);
  }
}
