import rule from './etc-docker-owner.ts';
import { ownerCases } from './test-support/rule-cases.ts';

ownerCases(rule, '/etc/docker', { type: 'directory', mode: 0o755 });
