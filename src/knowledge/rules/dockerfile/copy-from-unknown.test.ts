import rule from './copy-from-unknown.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3022', rule);
