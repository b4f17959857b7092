import rule from './pip-unpinned.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3013', rule);
