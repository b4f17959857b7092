import rule from './sudo.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3004', rule);
