import rule from './apt-no-yes.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3014', rule);
