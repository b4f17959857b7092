import { inspect } from 'node:util';
import { maskSecret } from '../../util/secrets/mask.ts';

/**
 * A password or token. The value lives in a private field, so `console.log`, `inspect`,
 * `JSON.stringify` and string templates all show a mask: a secret reaches a log only if
 * someone calls `reveal()` on purpose, and only the HTTP layer does.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  get length(): number {
    return this.#value.length;
  }
  toString(): string {
    return mask(this.#value);
  }
  toJSON(): string {
    return mask(this.#value);
  }
  [inspect.custom](): string {
    return `Secret(${mask(this.#value)})`;
  }
}

/** Moat's one mask (src/util/secrets/mask.ts): the length, and a prefix only when it names a token's type. */
export const mask = maskSecret;
