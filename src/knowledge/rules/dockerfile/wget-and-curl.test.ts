import rule from './wget-and-curl.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL4001', rule);
