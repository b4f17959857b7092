import rule from './etc-sysconfig-docker-owner.ts';
import { ownerCases } from './test-support/rule-cases.ts';

ownerCases(rule, '/etc/sysconfig/docker');
