import rule from './env-self-reference.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3044', rule);
