import rule from './audit-etc-docker.ts';
import { auditCases } from './support/rule-cases.ts';

auditCases(rule, '/etc/docker', { type: 'directory' });
