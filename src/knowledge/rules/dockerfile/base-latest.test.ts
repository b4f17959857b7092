import rule from './base-latest.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3007', rule);
