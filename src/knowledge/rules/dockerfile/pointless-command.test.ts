import rule from './pointless-command.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3001', rule);
