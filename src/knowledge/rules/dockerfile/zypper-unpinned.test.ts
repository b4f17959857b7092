import rule from './zypper-unpinned.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3037', rule);
