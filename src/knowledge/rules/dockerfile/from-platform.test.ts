import rule from './from-platform.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3029', rule);
