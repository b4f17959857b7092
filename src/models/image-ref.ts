import type { ImageRef } from './dockerfile-spec.ts';

/**
 * Splits an image reference the way the engine does (distribution/reference's
 * splitDockerDomain): the first path component is a registry only when it has a `.` or
 * `:`, is `localhost`, or has an upper-case letter; the tag follows the last `:` after the
 * last `/`; the digest follows `@`. Unlike src/doors/registry/reference.ts (which validates a
 * complete reference to pull it), this keeps what is written: an omitted tag stays
 * omitted, and a `$VAR` or an invalid name is still split so rules can judge it.
 */
export function parseImageRef(raw: string, vars: ReadonlyMap<string, string>, stages: ReadonlyMap<string, number>): ImageRef {
  const resolved = substitute(raw, vars);
  const usesVariable = resolved.includes('$');
  const lower = resolved.toLowerCase();
  const stage = stages.get(lower);
  let rest = resolved;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  return {
    raw,
    resolved,
    ...(registry !== undefined ? { registry } : {}),
    repository: rest,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    usesVariable,
    scratch: lower === 'scratch',
    ...(stage !== undefined ? { stage } : {}),
  };
}

/** `$X`, `${X}`, `${X:-d}`, `${X-d}` with the given values; unknown variables stay as written. */
export function substitute(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, braced?: string, op?: string, word?: string, bare?: string) => {
    const name = (braced ?? bare) as string;
    const value = vars.get(name);
    if (op === '-') return value !== undefined && value !== '' ? value : (word ?? '');
    if (op === '+') return value !== undefined && value !== '' ? (word ?? '') : '';
    return value ?? whole;
  });
}

/**
 * A reference as written and as the daemon reads it: `nginx` is `docker.io/library/nginx:latest`,
 * so an exception for `docker.io/library/nginx:*` and one for `nginx*` both match it.
 */
export function imageForms(ref: string): string[] {
  const out = new Set([ref]);
  const at = ref.indexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const digest = at < 0 ? '' : ref.slice(at);
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let full = hasRegistry ? name : `docker.io/${name}`;
  if (/^docker\.io\/[^/]+$/.test(full) || (/^index\.docker\.io\/[^/]+$/.test(full))) full = full.replace(/^(index\.)?docker\.io\//, 'docker.io/library/');
  const lastPart = full.slice(full.lastIndexOf('/') + 1);
  if (!digest && !lastPart.includes(':')) full += ':latest';
  out.add(full + digest);
  return [...out];
}
