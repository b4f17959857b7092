import rule from './copy-from-self.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3023', rule);
