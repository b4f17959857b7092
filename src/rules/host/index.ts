import type { HostRule } from '../rule.ts';

/** Every host rule, listed explicitly (a test checks this list equals the folder). */
export const hostRules: readonly HostRule[] = [];
