/**
 * The CIS Docker Benchmark versions Moat numbers its checks in. Each rule's metadata holds
 * its id (the same in every version unless it says otherwise); this module only names the
 * versions and reads an id for one of them, so the id map exists once, in the rules.
 */

export const BENCHMARKS = ['cis-1.6.0', 'cis-1.7.0', 'cis-1.8.0'] as const;
export type Benchmark = (typeof BENCHMARKS)[number];

/** The newest version (July 2025): what every command uses unless told otherwise. */
export const DEFAULT_BENCHMARK: Benchmark = 'cis-1.8.0';

export function isBenchmark(value: string): value is Benchmark {
  return (BENCHMARKS as readonly string[]).includes(value);
}

/** `CIS Docker Benchmark v1.8.0`: the name reports and finding references carry. */
export function benchmarkTitle(b: Benchmark): string {
  return `CIS Docker Benchmark v${b.slice('cis-'.length)}`;
}

/** A rule's CIS numbering: `id` in every version, except where `ids` names another (or null: not in that version). */
export interface CisNumbering {
  id: string;
  ids?: Partial<Record<Benchmark, string | null>>;
}

/** The recommendation's id in version `b`, or undefined when that version does not have it. */
export function cisIdIn(cis: CisNumbering, b: Benchmark): string | undefined {
  const own = cis.ids?.[b];
  if (own === null) return undefined;
  return own ?? cis.id;
}
