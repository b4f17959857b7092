import rule from './audit-etc-docker.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/etc/docker', { type: 'directory' });
