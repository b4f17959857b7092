import rule from './ignore-unjustified.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL1001', rule);
