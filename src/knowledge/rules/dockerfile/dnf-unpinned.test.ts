import rule from './dnf-unpinned.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3041', rule);
