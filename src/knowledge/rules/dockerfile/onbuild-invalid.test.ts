import rule from './onbuild-invalid.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3043', rule);
