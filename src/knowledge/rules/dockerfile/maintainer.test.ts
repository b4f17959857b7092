import rule from './maintainer.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL4000', rule);
