import type { ContainerRule } from '../rule.ts';
import privileged from './privileged.ts';

/** Every container rule, listed explicitly (a test checks this list equals the folder). */
export const containerRules: readonly ContainerRule[] = [privileged];
