import rule from './add-instead-of-copy.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3020', rule);
