import rule from './stage-name-duplicate.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3024', rule);
