/**
 * Nothing a request carries as a secret reaches the decision log in full: environment values
 * are replaced wherever a rule's message or evidence repeats them, secret-looking text (an exec
 * command's `--password=...`) is masked, and query strings keep only the parameters that name
 * things (build args, auth and filters are masked). The mask is Moat's one (src/util/secrets/mask.ts).
 */
import { maskSecret as maskValue, maskText } from '../../util/secrets/mask.ts';

export function maskSecrets(text: string, secrets: readonly string[]): string {
  return maskText(text, secrets);
}

const SAFE_QUERY = new Set(['name', 'networkmode', 'remote', 't', 'fromimage', 'tag', 'force', 'all', 'platform', 'version', 'id', 'container', 'detachkeys', 'signal', 'timeout', 'v', 'link', 'dockerfile', 'q', 'nocache', 'pull', 'rm', 'forcerm']);

/** The query parameters of a request URI for the log: names always, values only when they are not sensitive. */
export function loggableQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of query) out[k] = SAFE_QUERY.has(k.toLowerCase()) ? clip(val) : val === '' ? '' : maskValue(val);
  return out;
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
