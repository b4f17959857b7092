import rule from './apt-unpinned.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3008', rule);
