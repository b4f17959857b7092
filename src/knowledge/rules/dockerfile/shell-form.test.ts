import rule from './shell-form.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3025', rule);
