import rule from './yarn-cache.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3060', rule);
