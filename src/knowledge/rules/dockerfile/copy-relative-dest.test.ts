import rule from './copy-relative-dest.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3045', rule);
