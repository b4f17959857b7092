import rule from './dnf-no-yes.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3038', rule);
