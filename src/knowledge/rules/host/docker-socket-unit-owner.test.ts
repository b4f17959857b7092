import rule from './docker-socket-unit-owner.ts';
import { ownerCases } from './test-support/rule-cases.ts';

ownerCases(rule, '/lib/systemd/system/docker.socket');
