import type { ImageRule } from '../rule.ts';

/** Every image rule, listed explicitly (a test checks this list equals the folder). */
export const imageRules: readonly ImageRule[] = [];
