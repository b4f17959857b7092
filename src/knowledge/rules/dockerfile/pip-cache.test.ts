import rule from './pip-cache.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3042', rule);
