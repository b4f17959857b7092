import rule from './audit-containerd-bin.ts';
import { auditCases } from './support/rule-cases.ts';

auditCases(rule, '/usr/bin/containerd');
