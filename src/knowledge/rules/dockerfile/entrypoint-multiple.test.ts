import rule from './entrypoint-multiple.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL4004', rule);
