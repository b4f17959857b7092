import rule from './copy-from-root.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3067', rule);
