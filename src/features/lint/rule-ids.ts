import type { RuleMeta } from '../../models/rule.ts';

/** A rule's own id and its peers' ids (`DL3008`, `DS001`...): the names an ignore or a selection may use. */
export function ruleIds(meta: RuleMeta): string[] {
  const peers = Object.values(meta.peers ?? {}).flatMap((v) => (Array.isArray(v) ? v : [v]));
  return [meta.id, ...peers];
}
