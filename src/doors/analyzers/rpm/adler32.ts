/**
 * Adler-32 (RFC 1950), the checksum NDB blobs carry. Node's zlib computes it inside
 * deflate streams but does not expose it; the tests check this against the trailer zlib
 * writes.
 */
export function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  // 5552 is the most bytes that can be summed before b may pass 2^32 (zlib's NMAX).
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
