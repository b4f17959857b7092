import rule from './audit-docker-sock.ts';
import { auditCases } from './support/rule-cases.ts';

auditCases(rule, '/var/run/docker.sock', { type: 'socket' });
