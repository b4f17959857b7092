/**
 * What a secret looks like. Every pattern is anchored on a literal and every repetition
 * before the secret is bounded, so scanning is linear in the text: a 4 MiB line of
 * `a.a.a.` must not take quadratic time (a test holds each pattern to that). Specific formats first (their prefixes make false positives
 * rare); generic `password=`-style assignments last, with an entropy floor so that
 * `password=changeme` in a README-like comment is not a finding but a random token is.
 */
export interface SecretPattern {
  id: string;
  /** For people: `AWS access key id`. */
  label: string;
  /** Group 1, when present, is the secret itself; otherwise the whole match. */
  regex: RegExp;
  /** Minimum Shannon entropy (bits per character) of the secret, for generic patterns. */
  minEntropy?: number;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { id: 'private-key', label: 'private key', regex: /-----BEGIN (?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/ },
  { id: 'aws-access-key-id', label: 'AWS access key id', regex: /\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b/ },
  { id: 'aws-secret-access-key', label: 'AWS secret access key', regex: /aws_?secret_?access_?key["']?\s*[=:]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/i },
  { id: 'gcp-service-account', label: 'GCP service account key', regex: /"type"\s*:\s*"service_account"[\s\S]{0,400}?"private_key"\s*:\s*"([^"]{16,})"/ },
  { id: 'gcp-api-key', label: 'Google API key', regex: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/ },
  { id: 'azure-storage-key', label: 'Azure storage account key', regex: /AccountKey=([A-Za-z0-9+/]{86}==)/ },
  { id: 'azure-sas-token', label: 'Azure SAS token', regex: /[?&]sig=([A-Za-z0-9%+/]{43,}(?:%3D|=){0,2})/ },
  { id: 'github-token', label: 'GitHub token', regex: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,251})\b/ },
  { id: 'github-fine-grained-token', label: 'GitHub token', regex: /\b(github_pat_[A-Za-z0-9_]{82})\b/ },
  { id: 'gitlab-token', label: 'GitLab token', regex: /\b(glpat-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])/ },
  { id: 'slack-token', label: 'Slack token', regex: /\b(xox[baprs]-[A-Za-z0-9-]{10,})\b/ },
  { id: 'slack-webhook', label: 'Slack webhook URL', regex: /(https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,})/ },
  { id: 'npm-token', label: 'npm token', regex: /\b(npm_[A-Za-z0-9]{36,})\b/ },
  { id: 'npmrc-auth', label: 'npm registry credential', regex: /_(?:authToken|auth|password)\s*=\s*["']?([^\s"'$]{8,})/ },
  { id: 'url-credentials', label: 'password in a URL', regex: /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{1,256}:([^\s:/@$]{6,256})@[^\s/]/i, minEntropy: 2.5 },
  {
    id: 'generic-assignment',
    label: 'password or token',
    regex: /(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|credentials?)[A-Za-z0-9_]{0,64}["']?[ \t]{0,16}[=:][ \t]{0,16}["']?([^\s"'`;&|)$]{8,})/i,
    minEntropy: 3.0,
  },
];

/**
 * Names of variables and labels that hold secrets (`DB_PASSWORD`, `GITHUB_TOKEN`, `api_key`),
 * compound words among them (`LDAP_ROOTPASS`, `DBPASSWD`, `CLIENTSECRET`, `LICENSE_KEY`). A bare
 * `_KEY` is not enough (`GOSU_KEY`, `GPG_KEY` hold public fingerprints, `SSL_KEY` a path): only
 * the kinds of key that are secrets (`LICENSE_KEY`, `MASTER_KEY`, `SSH_KEY`...).
 * Use `isSecretName`, which also leaves out the names that only describe a secret.
 */
export const SECRET_NAME =
  /(?:^|[_.-])(?:password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|auth|credentials?)(?:$|[_.-])|(?:password|secret|token|apikey)$|(?:^|[_.-])[a-z0-9]*(?:pass|passwd|password|passphrase|secret|token)(?:$|[_.-])|(?:^|[_.-])(?:license|licence|master|encryption|encrypt|decrypt|signing|app|client|session|cipher|crypt|hmac|jwt|shared|service|admin|root|ssh|deploy|webhook|account|storage|subscription|product|activation|registration|aes|consumer|merchant)[_.-]?key(?:$|[_.-])/i;

/**
 * Names that describe a secret without holding it: its version, file, URL, user, length...
 * (`DOCKER_AUTH_VERSION`, `PASSWORD_FILE`, `TOKEN_URL`), switches about one
 * (`MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`, `GF_AUTH_ANONYMOUS_ORG_ROLE`), public
 * key material (`GPG_KEY` holds a fingerprint), and words that only end like one (`BYPASS`).
 */
const DESCRIBES_SECRET =
  /[_.-](?:version|ver|file|path|dir|url|uri|host|hostname|port|user|username|login|name|type|mode|method|enabled?|disabled?|required|expiry|expires|expiration|ttl|timeout|length|len|size|min|max|header|alg|algorithm|provider|backend|plugin|endpoint|realm|scope|issuer|audience|domain|location|format|count|prefix|suffix|policy|strategy|server|keyserver|fingerprint|digest|lifetime|validity|rotation|store|vault)$|(?:^|[_.-])(?:gpg|pgp|gnupg|pub|public|publickey|pubkey|keyserver|keyring|keyid|fingerprint|primary|foreign|sort|cache|hot|idempotency|partition|routing|shard|object|s3|bucket|recv|trusted|signed)(?:$|[_.-])|(?:^|[_.-])(?:by|com|encom|over|tres|sur)pass(?:$|[_.-])|^(?:old)?pwd$|(?:^|[_.-])(?:allow|allowed|random|require|requires|enable|disable|use|skip|no|empty|generate|ignore|force|anonymous)[_.-]|[_.-](?:role|roles|level|scheme|protocol|mechanism|source|class|handler|module)$/i;

/** A variable or label whose name says it holds a secret (not one that only describes it). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !DESCRIBES_SECRET.test(name);
}

/** `B42F6819007F00F88E364FD4036A9C25BF357DD4`, `0x...`: an OpenPGP key id or fingerprint (upper-case hex, as gpg prints them), which is public. */
export function isKeyFingerprint(value: string): boolean {
  return /^(?:0x)?(?:[0-9A-F]{16}|[0-9A-F]{40}|(?:[0-9A-F]{4} ?){10}|(?:[0-9A-F]{4} ){5} (?:[0-9A-F]{4} ?){5})$/.test(value.trim());
}

/** `1.5.0`, `v2.3`, `12.2-1+deb12u3`: a version number, which no secret looks like. */
export function isVersion(value: string): boolean {
  return /^v?\d+(?:\.\d+){1,3}(?:[-+~][0-9A-Za-z.+~-]{1,64})?$/.test(value.trim());
}

/** Values that are obviously not the secret itself. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '' || v.includes('$') || /^<.*>$/.test(v) || /^\{\{.*\}\}$/.test(v)) return true;
  if (/^(x+|\*+|\.+|-+|_+|0+|none|null|nil|true|false|yes|no|changeme|change_me|example|test|dummy|secret|password|token|redacted|your[_-].*|my[_-].*)$/i.test(v)) return true;
  // A path or a file name points at the secret, it is not the secret.
  return /^(\/|\.\/|~\/)/.test(v) || /^[\w.-]+\.(pem|key|json|txt|crt|env)$/i.test(v);
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
