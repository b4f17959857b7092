import rule from './audit-containerd-bin.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/usr/bin/containerd');
