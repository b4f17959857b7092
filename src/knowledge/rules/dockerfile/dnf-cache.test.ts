import rule from './dnf-cache.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3040', rule);
