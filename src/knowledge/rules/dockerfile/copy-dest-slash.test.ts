import rule from './copy-dest-slash.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3021', rule);
