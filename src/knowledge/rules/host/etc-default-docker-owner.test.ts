import rule from './etc-default-docker-owner.ts';
import { ownerCases } from './test-support/rule-cases.ts';

ownerCases(rule, '/etc/default/docker');
