/**
 * The one way Moat masks a secret, for every output: report formats, SBOMs, the enforce
 * decision log, watch alerts and sinks, and error messages that echo input. One format
 * everywhere, `ghp_****(40 chars)`: the length, and a prefix only when the prefix names the
 * token's type (`AKIA`, `ghp_`, `npm_`...), never the first characters of a password.
 *
 * Everything here is pure and linear in its input (each pattern is anchored on a literal
 * and bounded), so it can run on every string that leaves Moat.
 */
import { entropy, isKeyFingerprint, isPlaceholder, isSecretName, isVersion, SECRET_PATTERNS } from './patterns.ts';

/** Prefixes that say what a token is without helping anyone use it. */
const TYPE_PREFIX = /^(?:AKIA|ASIA|ABIA|ACCA|AIza|gh[pousr]_|github_pat_|glpat-|xox[baprs]-|npm_|sk_live_|rk_live_|eyJ)/;

/** A secret's value, masked: `****(8 chars)`, `ghp_****(40 chars)`. */
export function maskSecret(value: string): string {
  if (value.startsWith('-----BEGIN')) return '-----BEGIN ... PRIVATE KEY----- (redacted)';
  const prefix = value.length > 12 ? (TYPE_PREFIX.exec(value)?.[0] ?? '') : '';
  return `${prefix}****(${value.length} chars)`;
}

/** Already masked (or a run of the mask's own stars): left alone, so masking twice changes nothing. */
function masked(value: string): boolean {
  return value.includes('****') || value.includes('PRIVATE KEY----- (redacted)');
}

function maskOnce(value: string): string {
  return masked(value) ? value : maskSecret(value);
}

/** Where a detector pattern (src/util/secrets/patterns.ts) finds a secret in text. */
export interface SecretSpan {
  kind: string;
  label: string;
  start: number;
  end: number;
  value: string;
}

/**
 * What a pattern's match must contain, checked before the pattern is run: most texts (every
 * RUN line and finding of a lint) hold none of these, and a `String.includes` costs far less
 * than a scan by a pattern that starts with a character class. A pattern missing here is
 * always run. Each entry is a literal every match of that pattern holds (the patterns in
 * patterns.ts; scan-hints.test.ts checks each against them).
 */
export const SCAN_HINTS: Readonly<Record<string, (text: string, lower: () => string) => boolean>> = {
  'private-key': (t) => t.includes('-----BEGIN '),
  // Case-insensitive patterns: their words looked for in the text in lower case (made once).
  'aws-secret-access-key': (_t, lower) => lower().includes('aws'),
  'generic-assignment': (_t, lower) => {
    const l = lower();
    return l.includes('pass') || l.includes('pwd') || l.includes('secret') || l.includes('token') || l.includes('key') || l.includes('credential');
  },
  'aws-access-key-id': (t) => t.includes('AKIA') || t.includes('ASIA') || t.includes('ABIA') || t.includes('ACCA'),
  'gcp-service-account': (t) => t.includes('"type"'),
  'gcp-api-key': (t) => t.includes('AIza'),
  'azure-storage-key': (t) => t.includes('AccountKey='),
  'azure-sas-token': (t) => t.includes('sig='),
  'github-token': (t) => t.includes('gh') && /gh[pousr]_/.test(t),
  'github-fine-grained-token': (t) => t.includes('github_pat_'),
  'gitlab-token': (t) => t.includes('glpat-'),
  'slack-token': (t) => t.includes('xox'),
  'slack-webhook': (t) => t.includes('https://hooks.slack.com/services/T'),
  'npm-token': (t) => t.includes('npm_'),
  'npmrc-auth': (t) => t.includes('_auth') || t.includes('_password'),
  'url-credentials': (t) => t.includes('://'),
};

/**
 * Where the next match of a pattern can start, at or after `from`, or -1 when none can: the
 * scan starts there instead of trying every position of the text. The URL pattern
 * (`\b[a-z][a-z0-9+.-]{0,31}://`) holds `://` at most 32 characters after its start; the
 * generic one starts at its keyword, at most 8 characters before the `key` of
 * `private_key`. These two were the costliest regular expressions of a lint.
 * `lower` is the text in lower case, the same length (callers check).
 */
const ANCHORS: Readonly<Record<string, (text: string, lower: string, from: number) => number>> = {
  'url-credentials': (text, _lower, from) => {
    const at = text.indexOf('://', from);
    return at < 0 ? -1 : Math.max(from, at - 32);
  },
  'generic-assignment': (_text, lower, from) => {
    let first = -1;
    for (const [word, back] of GENERIC_WORDS) {
      const at = lower.indexOf(word, from);
      if (at >= 0 && (first < 0 || at - back < first)) first = Math.max(from, at - back);
    }
    return first;
  },
};

/** The generic pattern's keywords (lower case) and how far before each a match may start. */
const GENERIC_WORDS: ReadonlyArray<[string, number]> = [
  ['pass', 0],
  ['pwd', 0],
  ['secret', 0],
  ['token', 0],
  ['key', 8],
  ['credential', 0],
];

/** The patterns compiled once, global. */
const GLOBAL = SECRET_PATTERNS.map((p) => ({ p, re: new RegExp(p.regex.source, p.regex.flags.includes('g') ? p.regex.flags : `${p.regex.flags}g`), hint: SCAN_HINTS[p.id], anchor: ANCHORS[p.id] }));

/**
 * Every hint's words in one pattern: a text without any of them passes no hint, so no
 * pattern runs on it. One scan instead of sixteen hints and a lower-cased copy: 19 in 20 RUN
 * lines of real-world Dockerfiles hold none. The case-insensitive words are spelled with
 * letter pairs (`[Kk][Ee][Yy]`, what `/key/i` matches), which scans at twice the speed of
 * the flag. (`AccountKey=` is under `key`, the Slack webhook under `://`, `_password` under
 * `pass`.) scan-hints.test.ts holds it to the hints.
 */
export const ANY_HINT =
  /-----BEGIN |AKIA|ASIA|ABIA|ACCA|"type"|AIza|sig=|gh[pousr]_|github_pat_|glpat-|xox|npm_|_auth|:\/\/|[Aa][Ww][Ss]|[Pp][Aa][Ss][Ss]|[Pp][Ww][Dd]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Kk][Ee][Yy]|[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll]/;

/** The secrets the detector's patterns find in `text`, in order, never overlapping. */
export function secretSpans(text: string): SecretSpan[] {
  if (!ANY_HINT.test(text)) return [];
  const out: SecretSpan[] = [];
  let lowered: string | undefined;
  const lower = (): string => (lowered ??= text.toLowerCase());
  for (const { p, re, hint, anchor } of GLOBAL) {
    if (hint && !hint(text, lower)) continue;
    re.lastIndex = 0;
    // Lower-casing can lengthen a text (`İ`): its offsets are then not the text's.
    const anchored = anchor && lower().length === text.length ? anchor : undefined;
    for (;;) {
      if (anchored) {
        const next = anchored(text, lower(), re.lastIndex);
        if (next < 0) break;
        re.lastIndex = next;
      }
      const m = re.exec(text);
      if (!m) break;
      const value = m[1] ?? m[0];
      const start = m.index + (m[1] !== undefined ? m[0].indexOf(m[1]) : 0);
      if (p.minEntropy !== undefined && (entropy(value) < p.minEntropy || isPlaceholder(value))) continue;
      // One secret, one finding: the specific pattern wins over the generic one.
      if (out.some((o) => start < o.end && o.start < start + value.length)) continue;
      out.push({ kind: p.id, label: p.label, start, end: start + value.length, value });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A variable or label named like a secret holding a literal value (`DB_PASSWORD=hunter22`). */
export function isSecretAssignment(name: string, value: string | undefined): boolean {
  return value !== undefined && isSecretName(name) && !isPlaceholder(value) && !isVersion(value) && !isKeyFingerprint(value) && value.length >= 4;
}

/** Option names that take a secret as their value (`--password x`, `--token=x`). */
const SECRET_OPTION = /^--?(?:[a-z0-9]+-)*(?:password|passwd|pass|pwd|token|secret|api-?key|apikey|access-key|secret-key|private-key|auth-token|client-secret|credentials?)$/i;
/** Programs whose `-pVALUE` is a password (`mysql -pS3cret`), not a port or a path. */
const GLUED_P_PROGRAMS = /(?:^|\/)(?:mysql[a-z_-]{0,32}|mariadb[a-z_-]{0,32})$/;

/**
 * The command-line and protocol forms of a secret, in free text (a RUN line, an exec
 * command, an error message): `--password=x` and `--password x`, `mysql -px`, `curl -u
 * user:x`, `scheme://user:x@host`, `Authorization: Bearer x` and token headers.
 */
function maskCommandForms(text: string): string {
  let s = text;
  // --password=x, --api-key=x ("--password-stdin" names no value)
  s = s.replace(/(^|[\s"'])(--?[A-Za-z0-9-]{1,64})(=)("[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s"';&|]{1,1024})/g, (whole, pre: string, opt: string, eq: string, v: string) => {
    if (!SECRET_OPTION.test(opt)) return whole;
    const bare = v.replace(/^(["'])(.*)\1$/s, '$2');
    return bare === '' || bare.startsWith('$') ? whole : `${pre}${opt}${eq}${maskOnce(bare)}`;
  });
  // --password x (the next word)
  s = s.replace(/(^|[\s"'])(--?[A-Za-z0-9-]{1,64})([ \t]{1,16})("[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s"';&|-][^\s"';&|]{0,1023})/g, (whole, pre: string, opt: string, sp: string, v: string) => {
    if (!SECRET_OPTION.test(opt)) return whole;
    const bare = v.replace(/^(["'])(.*)\1$/s, '$2');
    return bare.startsWith('$') ? whole : `${pre}${opt}${sp}${maskOnce(bare)}`;
  });
  // mysql -pS3cret, curl -u user:pw: only within a command of that program (`docker run -p8080:80` and
  // `docker run -u 1000:1000` are not secrets). One left-to-right pass, so the cost stays linear.
  let program: 'mysql' | 'curl' | undefined;
  s = s.replace(/\b(mysql|mariadb|curl)(?:[a-z_-]{0,32})\b|([\n;&|(){}])|(\s)(-p)([^\s"';&|]{3,1024})|(\s(?:-u[ \t]{0,16}|--user[ \t=]{1,16})["']?)([^\s:"']{1,256}):([^\s"';&|]{1,1024})/g, (whole, prog: string | undefined, sep: string | undefined, sp: string | undefined, flag: string | undefined, pw: string | undefined, userFlag: string | undefined, user: string | undefined, upw: string | undefined) => {
    if (prog !== undefined) program = prog === 'curl' ? 'curl' : 'mysql';
    else if (sep !== undefined) program = undefined;
    else if (pw !== undefined && program === 'mysql' && !pw.startsWith('$')) return `${sp}${flag}${maskOnce(pw)}`;
    else if (upw !== undefined && program === 'curl' && !upw.startsWith('$')) return `${userFlag}${user}:${maskOnce(upw)}`;
    return whole;
  });
  // scheme://user:pw@host
  s = s.replace(/(\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{0,256}:)([^\s/@]{1,1024})@/gi, (whole, pre: string, pw: string) => (pw.startsWith('$') ? whole : `${pre}${maskOnce(pw)}@`));
  // Authorization: Bearer x, Proxy-Authorization: Basic x, PRIVATE-TOKEN: x, X-Api-Key: x
  s = s.replace(/\b((?:proxy-)?authorization|private-token|x-[a-z0-9-]{0,64}(?:token|key|secret)|api-key)([ \t]*:[ \t]*)((?:bearer|basic|token|digest|bot)[ \t]+)?([^\s"',;]{1,4096})/gi, (whole, name: string, sep: string, scheme: string | undefined, v: string) =>
    v.startsWith('$') ? whole : `${name}${sep}${scheme ?? ''}${maskOnce(v)}`,
  );
  // A bare bearer token (`-H "Bearer x"` split from its header name).
  s = s.replace(/\b(bearer[ \t]+)([A-Za-z0-9._~+/=-]{8,4096})/gi, (_m, scheme: string, v: string) => `${scheme}${maskOnce(v)}`);
  return s;
}

/**
 * `text` with every secret in it masked: the values given (an environment's secrets, a
 * webhook's password), what the detector's patterns find, the command-line and protocol
 * forms (`--password=x`, `curl -u user:x`, `https://user:x@host`, `Authorization:`), and the
 * value of any `NAME=value` whose name says it is a secret (`DB_PASSWORD=hunter22`).
 */
export function maskText(text: string, known: readonly string[] = []): string {
  // Known values the text does not hold change nothing: such a call is answered from the memo too
  // (the enforce plugin passes a request's environment values for every message it masks).
  if (text.length > MEMO_MAX_TEXT || known.some((k) => holdsKnown(text, k))) return maskUncached(text, known);
  let out = MEMO.get(text);
  if (out === undefined) {
    // Bounded: a fresh map when full keeps the memory flat over any number of files.
    if (MEMO.size >= MEMO_MAX_ENTRIES) MEMO.clear();
    out = maskUncached(text, []);
    MEMO.set(text, out);
  }
  return out;
}

/**
 * `maskText` is pure and asked the same question again and again: a lint run masks every
 * finding when its rule returns it and again when the report is built, and most findings of
 * a tree repeat the same messages and quoted commands. Its answers are kept, in bounds.
 */
const MEMO = new Map<string, string>();
const MEMO_MAX_ENTRIES = 20_000;
const MEMO_MAX_TEXT = 2048;

/** Whether `text` holds the known value `k` (shorter ones, like `4` or `UTC`, are too common to mask). */
function holdsKnown(text: string, k: string): boolean {
  return k.length >= 4 && text.includes(k);
}

function maskUncached(text: string, known: readonly string[]): string {
  let s = text;
  for (const k of known) if (holdsKnown(s, k)) s = s.split(k).join(maskSecret(k));
  let out = '';
  let at = 0;
  for (const span of secretSpans(s)) {
    if (span.start < at) continue;
    out += s.slice(at, span.start) + maskOnce(span.value);
    at = span.end;
  }
  s = out + s.slice(at);
  return mayHoldCommandForm(s) ? maskFormsAndNames(s) : s;
}

/** The command-line and protocol forms, then the values of secret-named assignments (`DB_PASSWORD=hunter22`). */
export function maskFormsAndNames(text: string): string {
  const s = maskCommandForms(text);
  return s.replace(/(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,127})([ \t]{0,16}[=:][ \t]{0,16})("[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s"';&|]+)/g, (whole, name: string, sep: string, value: string) => {
    const bare = value.replace(/^(["'])(.*)\1$/, '$2');
    return isSecretAssignment(name, bare) && !masked(bare) ? `${name}${sep}${maskSecret(bare)}` : whole;
  });
}

/**
 * Whether `maskCommandForms` or the secret-named assignment of `maskUncached` could change
 * `text`: each needs one of these words (a secret option or variable name holds `pass`,
 * `pwd`, `secret`, `token`, `key`, `auth` or `credential`; the other forms name `mysql`,
 * `mariadb`, `curl`, `://` or `bearer`). Most finding messages hold none, and skipping seven
 * regular expressions for them was a twentieth of a lint's CPU. mask.test.ts checks each form.
 */
export function mayHoldCommandForm(text: string): boolean {
  return COMMAND_FORM_WORDS.test(text);
}

// `/pass|pwd|secret|token|key|auth|credential|mysql|mariadb|curl|:\/\/|bearer/i`, spelled with letter pairs (as ANY_HINT, for speed).
const COMMAND_FORM_WORDS =
  /[Pp][Aa][Ss][Ss]|[Pp][Ww][Dd]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Kk][Ee][Yy]|[Aa][Uu][Tt][Hh]|[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll]|[Mm][Yy][Ss][Qq][Ll]|[Mm][Aa][Rr][Ii][Aa][Dd][Bb]|[Cc][Uu][Rr][Ll]|:\/\/|[Bb][Ee][Aa][Rr][Ee][Rr]/;

/**
 * An argv with its secrets masked, word by word: `--password x` masks the next word,
 * `mysql ... -pX` the glued value, and each word is free text besides.
 */
export function maskArgv(argv: readonly string[], known: readonly string[] = []): string[] {
  const out: string[] = [];
  let maskNext = false;
  const mysqlLike = argv.some((a) => GLUED_P_PROGRAMS.test(a));
  const curl = argv.some((a) => /(?:^|\/)curl$/.test(a));
  for (const arg of argv) {
    if (maskNext) {
      maskNext = false;
      out.push(curl && /^[^:]+:/.test(arg) ? arg.replace(/:(.+)$/s, (_m, pw: string) => `:${maskOnce(pw)}`) : maskOnce(arg));
      continue;
    }
    if (SECRET_OPTION.test(arg) || (curl && (arg === '-u' || arg === '--user'))) {
      maskNext = true;
      out.push(arg);
      continue;
    }
    const glued = mysqlLike ? /^-p(.{3,})$/s.exec(arg) : null;
    if (glued) {
      out.push(`-p${maskOnce(glued[1] as string)}`);
      continue;
    }
    out.push(maskText(arg, known));
  }
  return out;
}

/**
 * A URL as it may be shown: the password masked, the query (tokens often travel there)
 * left out. `https://hooks.example/x?token=abc` → `https://hooks.example/x?…`.
 */
export function maskUrl(u: URL | string): string {
  let url: URL;
  try {
    url = new URL(String(u));
  } catch {
    return maskText(String(u));
  }
  const password = url.password;
  url.password = '';
  if (url.search) url.search = '?…';
  if (!password) return url.href;
  // Put the mask back by hand: the URL setter would percent-encode it.
  return url.href.replace(/^([a-z][a-z0-9+.-]*:\/\/[^@/]*)@/i, (_m, pre: string) => `${pre}:${maskSecret(decodeURIComponent(password))}@`);
}
