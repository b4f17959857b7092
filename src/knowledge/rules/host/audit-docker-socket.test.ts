import rule from './audit-docker-socket.ts';
import { auditCases } from './test-support/rule-cases.ts';

auditCases(rule, '/lib/systemd/system/docker.socket');
