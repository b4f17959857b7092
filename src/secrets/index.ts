import { entropy, isKeyFingerprint, isPlaceholder, isSecretName, isVersion, SECRET_PATTERNS } from './patterns.ts';

export { entropy, isKeyFingerprint, isPlaceholder, isSecretName, isVersion, SECRET_NAME, SECRET_PATTERNS, type SecretPattern } from './patterns.ts';

/** The patterns compiled once, global (findSecrets is called for every finding's evidence). */
const GLOBAL = SECRET_PATTERNS.map((p) => ({ p, re: new RegExp(p.regex.source, p.regex.flags.includes('g') ? p.regex.flags : `${p.regex.flags}g`) }));

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
  const out: SecretMatch[] = [];
  for (const { p, re } of GLOBAL) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const value = m[1] ?? m[0];
      const start = m.index + (m[1] !== undefined ? m[0].indexOf(m[1]) : 0);
      if (p.minEntropy !== undefined && (entropy(value) < p.minEntropy || isPlaceholder(value))) continue;
      // One secret, one finding: the specific pattern wins over the generic one.
      if (out.some((o) => start < o.end && o.start < start + value.length)) continue;
      out.push({ kind: p.id, label: p.label, start, end: start + value.length, masked: maskSecret(value), value });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A variable or label named like a secret holding a literal value (`DB_PASSWORD=hunter22`): not a placeholder, a version number or a public key fingerprint. */
export function isSecretAssignment(name: string, value: string | undefined): boolean {
  return value !== undefined && isSecretName(name) && !isPlaceholder(value) && !isVersion(value) && !isKeyFingerprint(value) && value.length >= 4;
}

/**
 * Enough to recognise a secret, never enough to use it: a known prefix (at most 4
 * characters of a value longer than 12) and the length.
 */
export function maskSecret(value: string): string {
  if (value.startsWith('-----BEGIN')) return '-----BEGIN ... PRIVATE KEY----- (redacted)';
  const shown = value.length > 12 ? value.slice(0, 4) : '';
  return `${shown}****(${value.length} chars)`;
}

/**
 * `text` with every secret in it replaced by its mask: the patterns above, and the value of
 * any `NAME=value` whose name says it is a secret (`DB_PASSWORD=hunter22`), entropy or not.
 */
export function redact(text: string): string {
  let out = '';
  let at = 0;
  for (const s of findSecrets(text)) {
    out += text.slice(at, s.start) + s.masked;
    at = s.end;
  }
  out += text.slice(at);
  return out.replace(/\b([A-Za-z_][A-Za-z0-9_.-]{0,127})([ \t]{0,16}[=:][ \t]{0,16})("[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s"';&|]+)/g, (whole, name: string, sep: string, value: string) => {
    const bare = value.replace(/^(["'])(.*)\1$/, '$2');
    return isSecretAssignment(name, bare) && !bare.includes('****') ? `${name}${sep}${maskSecret(bare)}` : whole;
  });
}
