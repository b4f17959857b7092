import rule from './apk-cache.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3019', rule);
