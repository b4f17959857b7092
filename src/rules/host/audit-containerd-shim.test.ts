import rule from './audit-containerd-shim.ts';
import { auditCases } from './support/rule-cases.ts';

auditCases(rule, '/usr/bin/containerd-shim');
