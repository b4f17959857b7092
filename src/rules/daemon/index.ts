import type { DaemonRule } from '../rule.ts';

/** Every daemon rule, listed explicitly (a test checks this list equals the folder). */
export const daemonRules: readonly DaemonRule[] = [];
