import rule from './shell-symlink.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL4005', rule);
