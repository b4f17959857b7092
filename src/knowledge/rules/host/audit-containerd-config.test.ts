import rule from './audit-containerd-config.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/etc/containerd/config.toml');
