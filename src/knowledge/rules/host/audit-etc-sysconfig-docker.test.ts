import rule from './audit-etc-sysconfig-docker.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/etc/sysconfig/docker');
