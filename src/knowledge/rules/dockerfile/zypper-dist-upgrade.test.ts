import rule from './zypper-dist-upgrade.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3035', rule);
