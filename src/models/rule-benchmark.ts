import { cisIdIn, type Benchmark } from './cis-benchmark.ts';
import type { Rule } from './rule.ts';

/**
 * The rules as one benchmark version numbers them: `meta.cis.id` becomes that version's id
 * (so `--checks 2.8`, moat.yaml ignores and reports all speak the chosen version), and a rule
 * the version lacks keeps running without a CIS id.
 */
export function inBenchmark<R extends Rule>(rules: readonly R[], b: Benchmark): R[] {
  return rules.map((r) => {
    const cis = r.meta.cis;
    if (!cis || cis.benchmark === b) return r;
    if (cis.benchmark) throw new Error(`rule ${r.meta.id} is already numbered in ${cis.benchmark}, not ${b}`);
    const id = cisIdIn(cis, b);
    const { cis: _old, ...rest } = r.meta;
    return { ...r, meta: id === undefined ? rest : { ...rest, cis: { id, automated: cis.automated, benchmark: b } } } as R;
  });
}
