import { inspect } from 'node:util';

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

/** Never more than the first two characters of a long secret, and none of a short one. */
export function mask(value: string): string {
  return value.length >= 12 ? `${value.slice(0, 2)}${'*'.repeat(8)}` : '*'.repeat(8);
}
