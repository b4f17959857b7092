import rule from './audit-docker-sock.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/var/run/docker.sock', { type: 'socket' });
