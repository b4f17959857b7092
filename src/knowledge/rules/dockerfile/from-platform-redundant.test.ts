import rule from './from-platform-redundant.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3065', rule);
