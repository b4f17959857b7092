/**
 * The one glob Moat's configuration speaks (ignores, exceptions, trusted registries and base
 * images, plugin allow lists): `*` matches any run of characters, slashes included; everything
 * else is literal. Deliberately smaller than a shell glob so a pattern means the same thing in
 * every place it is written.
 */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

export function globMatches(glob: string, s: string): boolean {
  return globToRegExp(glob).test(s);
}
