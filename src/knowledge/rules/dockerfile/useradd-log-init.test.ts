import rule from './useradd-log-init.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3046', rule);
