import rule from './last-user-root.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3002', rule);
