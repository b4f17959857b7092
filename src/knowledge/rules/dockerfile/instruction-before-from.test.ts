import rule from './instruction-before-from.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3061', rule);
