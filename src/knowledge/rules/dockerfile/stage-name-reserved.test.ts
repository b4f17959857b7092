import rule from './stage-name-reserved.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3063', rule);
