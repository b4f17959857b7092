import rule from './apt-cli.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3027', rule);
