import { maskSecret, secretSpans } from './mask.ts';

export { entropy, isKeyFingerprint, isPlaceholder, isSecretName, isVersion, SECRET_NAME, SECRET_PATTERNS, type SecretPattern } from './patterns.ts';
export { isSecretAssignment, maskArgv, maskSecret, maskText, maskText as redact, maskUrl } from './mask.ts';

export interface SecretMatch {
  /** Pattern id (`aws-access-key-id`). */
  kind: string;
  label: string;
  /** Offsets of the secret in the scanned text. */
  start: number;
  end: number;
  /** The secret, masked for display: never print `value`. */
  masked: string;
  value: string;
}

/**
 * Secrets in a piece of text (a file, an ENV value, a heredoc). Reused by image scanning:
 * pure, no I/O, linear in the text (every pattern is anchored on a literal prefix or a
 * bounded class).
 */
export function findSecrets(text: string): SecretMatch[] {
  return secretSpans(text).map((s) => ({ ...s, masked: maskSecret(s.value) }));
}
