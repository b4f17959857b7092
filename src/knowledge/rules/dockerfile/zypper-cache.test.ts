import rule from './zypper-cache.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3036', rule);
