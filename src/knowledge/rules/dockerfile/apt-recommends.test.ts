import rule from './apt-recommends.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3015', rule);
