/**
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1): a scheme, then `key=value` or
 * `key="quoted \"value\""` parameters; one header may carry several challenges.
 */
export interface Challenge {
  /** Lower-cased: `bearer`, `basic`. */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

export function parseChallenges(headers: readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const header of headers) parseOne(header, out);
  return out;
}

function parseOne(s: string, out: Challenge[]): void {
  let i = 0;
  const ws = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(s);
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  let current: Challenge | undefined;
  while (i < s.length) {
    ws();
    if (s[i] === ',') {
      i++;
      continue;
    }
    const word = token();
    if (word === undefined) return; // malformed from here on: keep what was understood
    ws();
    if (s[i] === '=' && current) {
      i++;
      ws();
      let value: string | undefined;
      if (s[i] === '"') {
        i++;
        value = '';
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++;
      } else {
        value = token() ?? '';
      }
      current.params[word.toLowerCase()] = value;
      continue;
    }
    if (s[i] === '=' && !current) return;
    // A bare token starts a new challenge (token68 forms are not used by registries).
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
  }
}
