import rule from './zypper-no-yes.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3034', rule);
