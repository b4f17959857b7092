import { maskSecret } from '../../../../util/secrets/mask.ts';

/**
 * Secret-looking names and values in image metadata (ENV, LABEL, build arguments).
 * Values are never reported in full: `mask` keeps at most a type prefix.
 */

/** Names that say "this holds a secret". Bare KEY is left out: images set GPG_KEY and the like to public fingerprints. */
const SECRET_NAME = /(^|[_.-])(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?token)($|[_.-])/i;
/** Names that point at a secret rather than hold it. */
const REFERENCE_NAME = /(_FILE|_PATH|_DIR|_URL_FILE|_ENV|_NAME|_USER|_USERNAME|_LENGTH|_MIN_LENGTH)$/i;

const TOKEN_FORMATS: Array<{ name: string; re: RegExp }> = [
  { name: 'AWS access key id', re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'GitHub token', re: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})\b/ },
  { name: 'GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { name: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { name: 'Stripe secret key', re: /\b(sk|rk)_live_[0-9A-Za-z]{20,}\b/ },
  { name: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: 'private key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'JSON web token', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  { name: 'password in a URL', re: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

/** Values that are clearly not the secret itself: empty, a variable reference, a path. */
function placeholder(value: string): boolean {
  const v = value.trim();
  return v === '' || /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) || /^(\/|\.\/|~\/)[^\s]*$/.test(v) || /^<[^>]*>$/.test(v);
}

export interface SecretHit {
  /** Why it looks secret: the format matched, or `name`. */
  kind: string;
  masked: string;
}

/** Judges one name=value pair; `undefined` when it does not look like a secret. */
export function secretIn(name: string, value: string): SecretHit | undefined {
  for (const f of TOKEN_FORMATS) {
    const m = f.re.exec(value);
    if (m) return { kind: f.name, masked: mask(m[0]) };
  }
  if (SECRET_NAME.test(name) && !REFERENCE_NAME.test(name) && !placeholder(value)) return { kind: `secret-looking name ${name}`, masked: mask(value) };
  return undefined;
}

/** Moat's one mask (src/util/secrets/mask.ts): `AKIA****(20 chars)`. */
export const mask = maskSecret;
