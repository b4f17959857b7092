import assert from 'node:assert/strict';
import { RegistryError } from '../errors.ts';

/**
 * For `assert.rejects`/`throws`: a one-line RegistryError with this code and message,
 * which never contains `secret` when one is given.
 */
export const rejectsWith = (code: string, re: RegExp, secret?: string) => (e: unknown): true => {
  assert.ok(e instanceof RegistryError, `not a RegistryError: ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, re);
  assert.ok(!e.message.includes('\n'), 'one line');
  if (secret !== undefined) assert.ok(!e.message.includes(secret), 'a secret must never be in a message');
  return true;
};
