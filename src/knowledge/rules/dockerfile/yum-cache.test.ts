import rule from './yum-cache.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3032', rule);
