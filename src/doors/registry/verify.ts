import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { RegistryError } from './errors.ts';
import type { DigestAlgorithm } from './reference.ts';

function algorithmOf(digest: string): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
}

export function digestOf(bytes: Buffer, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Checks bytes already in memory (manifests, configs) against the digest and size that named them. */
export function verifyBytes(bytes: Buffer, expected: { digest: string; size?: number }, where: string): void {
  if (expected.size !== undefined && bytes.length !== expected.size) {
    throw new RegistryError('size-mismatch', `${where} is ${bytes.length} bytes, but its descriptor says ${expected.size}: the registry sent something else; nothing from it is used`);
  }
  const actual = digestOf(bytes, algorithmOf(expected.digest));
  if (actual !== expected.digest) {
    throw new RegistryError('digest-mismatch', `${where} has digest ${actual}, not ${expected.digest}: the content was altered or corrupted; nothing from it is used`);
  }
}

/**
 * A pass-through that hashes and counts. It fails as soon as more bytes arrive than the
 * descriptor allows, and at the end unless count and digest both match: a consumer sees
 * 'end' only for verified content, so it must treat an 'error' as "discard everything".
 */
export class VerifyingStream extends Transform {
  readonly #hash;
  readonly #expected: { digest: string; size: number };
  readonly #where: string;
  #seen = 0;

  constructor(expected: { digest: string; size: number }, where: string) {
    super();
    this.#expected = expected;
    this.#where = where;
    this.#hash = createHash(algorithmOf(expected.digest));
  }

  get bytesSeen(): number {
    return this.#seen;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#expected.size) {
      done(new RegistryError('size-mismatch', `${this.#where} is longer than the ${this.#expected.size} bytes its descriptor says: the registry sent something else; stopped reading`));
      return;
    }
    this.#hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.#seen !== this.#expected.size) {
      done(new RegistryError('size-mismatch', `${this.#where} ended after ${this.#seen} of ${this.#expected.size} bytes: the transfer was cut short; the blob is not used`));
      return;
    }
    const actual = `${algorithmOf(this.#expected.digest)}:${this.#hash.digest('hex')}`;
    if (actual !== this.#expected.digest) {
      done(new RegistryError('digest-mismatch', `${this.#where} has digest ${actual}, not ${this.#expected.digest}: the content was altered or corrupted; the blob is not used`));
      return;
    }
    done();
  }
}
