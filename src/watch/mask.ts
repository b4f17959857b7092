/**
 * Masks what looks like a secret in a command line before it leaves Moat (an alert on
 * stdout, in a file, a webhook, syslog): `docker exec db mysql -pS3cret` must not put the
 * password in every log it reaches. The start of the value stays, so a person can still
 * tell which credential was used.
 */

const SECRET_NAME = /(pass(word|wd)?|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|auth|pwd)/i;

export function maskSecret(value: string): string {
  if (value.length <= 4) return '****';
  return `${value.slice(0, 2)}****(${value.length} chars)`;
}

/** Masks secret-looking values in an argv; returns a new array. */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let maskNext = false;
  for (const arg of argv) {
    if (maskNext) {
      out.push(maskSecret(arg));
      maskNext = false;
      continue;
    }
    out.push(maskArg(arg, (m) => (maskNext = m)));
  }
  return out;
}

function maskArg(arg: string, setMaskNext: (m: boolean) => void): string {
  // --password=x, NAME_TOKEN=x, -e API_KEY=x
  const eq = /^(-{0,2}[A-Za-z0-9_.-]*)=(.+)$/s.exec(arg);
  if (eq && SECRET_NAME.test(eq[1] ?? '')) return `${eq[1]}=${maskSecret(eq[2] ?? '')}`;
  // mysql -pSECRET (the value glued to -p)
  const glued = /^-p(.{3,})$/s.exec(arg);
  if (glued) return `-p${maskSecret(glued[1] ?? '')}`;
  // --password x, --token x
  if (/^--?[A-Za-z0-9_-]+$/.test(arg) && SECRET_NAME.test(arg)) {
    setMaskNext(true);
    return arg;
  }
  // Authorization: Bearer x, https://user:pass@host
  let s = arg.replace(/\b(bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})/gi, (_m, scheme: string, v: string) => `${scheme} ${maskSecret(v)}`);
  s = s.replace(/\/\/([^/:@\s]+):([^@\s/]+)@/g, (_m, user: string, pw: string) => `//${user}:${maskSecret(pw)}@`);
  // Shell text inside one argument (`sh -c "export TOKEN=x; ..."`).
  s = s.replace(/\b([A-Za-z0-9_]*(?:PASS(?:WORD|WD)?|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|CREDENTIALS?|PWD)[A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]+)/gi, (_m, k: string, v: string) => `${k}=${maskSecret(v)}`);
  // Well-known token shapes wherever they appear.
  s = s.replace(/\b(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})\b/g, (m: string) => maskSecret(m));
  return s;
}
