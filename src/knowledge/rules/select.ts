import type { Rule } from '../../models/rule.ts';
import { MoatError } from '../../util/errors.ts';
import { didYouMean } from '../../util/suggest.ts';

/**
 * Narrows rules by `--checks` and `--skip` tokens: a rule id (`container-privileged`),
 * a CIS id (`5.5`) or a CIS section (`5`, `1.1`), matched at a dot boundary so `1.1`
 * covers 1.1.3 but not 1.10. A token that matches nothing is a usage error.
 */
export function selectRules(rules: readonly Rule[], opts: { checks?: readonly string[]; skip?: readonly string[] }): Rule[] {
  const matches = (r: Rule, token: string): boolean => {
    if (r.meta.id === token) return true;
    const cis = r.meta.cis?.id;
    return cis !== undefined && /^\d+(\.\d+)*$/.test(token) && (cis === token || cis.startsWith(`${token}.`));
  };
  const resolve = (flag: string, tokens: readonly string[]): Set<Rule> => {
    const out = new Set<Rule>();
    for (const t of tokens) {
      const hits = rules.filter((r) => matches(r, t));
      if (hits.length === 0) throw new MoatError('usage', `unknown check "${t}" in ${flag}${didYouMean(t, rules.map((r) => r.meta.id))}: use a rule id (moat rules lists them), a CIS id such as 5.5, or a section such as 5`);
      for (const h of hits) out.add(h);
    }
    return out;
  };
  const wanted = opts.checks?.length ? resolve('--checks', opts.checks) : undefined;
  const skipped = resolve('--skip', opts.skip ?? []);
  return rules.filter((r) => (!wanted || wanted.has(r)) && !skipped.has(r));
}
