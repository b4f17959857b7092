import rule from './pipefail.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL4006', rule);
