import rule from './cd.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3003', rule);
