import rule from './yum-no-yes.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3030', rule);
