import rule from './apt-lists.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3009', rule);
