import rule from './workdir-relative.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3000', rule);
