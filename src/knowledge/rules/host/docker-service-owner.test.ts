import rule from './docker-service-owner.ts';
import { ownerCases } from './test-support/rule-cases.ts';

ownerCases(rule, '/lib/systemd/system/docker.service');
