import rule from './yum-unpinned.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3033', rule);
