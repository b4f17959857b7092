import { containerRules } from './container/index.ts';
import { daemonRules } from './daemon/index.ts';
import { hostRules } from './host/index.ts';
import { imageRules } from './image/index.ts';
import { dockerfileRules } from './dockerfile/index.ts';
import type { Rule } from '../../models/rule.ts';
import { auditRules } from './audit-command-rules.ts';

export { auditRules, containerRules, daemonRules, hostRules, imageRules, dockerfileRules };

/** All rules, in report order: host, daemon, image, container (the benchmark's section order), then Dockerfile rules. */
export const allRules: readonly Rule[] = [...auditRules, ...dockerfileRules];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
