import rule from './run-consecutive.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3059', rule);
