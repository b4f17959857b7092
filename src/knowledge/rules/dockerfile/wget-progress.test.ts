import rule from './wget-progress.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3047', rule);
