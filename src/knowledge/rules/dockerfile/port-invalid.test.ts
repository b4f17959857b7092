import rule from './port-invalid.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3011', rule);
