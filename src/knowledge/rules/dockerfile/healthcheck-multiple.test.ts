import rule from './healthcheck-multiple.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3012', rule);
