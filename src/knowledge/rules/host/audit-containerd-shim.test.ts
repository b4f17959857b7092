import rule from './audit-containerd-shim.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/usr/bin/containerd-shim');
