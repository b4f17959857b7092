import rule from './audit-containerd-shim-runc-v2.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/usr/bin/containerd-shim-runc-v2');
