import rule from './audit-etc-default-docker.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/etc/default/docker');
