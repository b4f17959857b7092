import rule from './base-untagged.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3006', rule);
