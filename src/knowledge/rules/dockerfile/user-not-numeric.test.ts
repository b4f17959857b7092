import rule from './user-not-numeric.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3066', rule);
