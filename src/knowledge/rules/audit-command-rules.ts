import { containerRules } from './container/index.ts';
import { daemonRules } from './daemon/index.ts';
import { hostRules } from './host/index.ts';
import { imageRules } from './image/index.ts';
import type { Rule } from '../../models/rule.ts';

/**
 * The rules `moat audit` runs, in report order (the benchmark's sections: host, daemon, images,
 * containers). Kept apart from the Dockerfile rules so an audit does not load them (~25–45 ms
 * of its start-up); index.ts joins both into `allRules`.
 */
export const auditRules: readonly Rule[] = [...hostRules, ...daemonRules, ...imageRules, ...containerRules];
