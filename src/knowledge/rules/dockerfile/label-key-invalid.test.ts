import rule from './label-key-invalid.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3048', rule);
