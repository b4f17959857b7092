import rule from './cmd-multiple.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL4003', rule);
