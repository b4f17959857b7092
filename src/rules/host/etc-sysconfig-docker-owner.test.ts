import rule from './etc-sysconfig-docker-owner.ts';
import { ownerCases } from './support/rule-cases.ts';

ownerCases(rule, '/etc/sysconfig/docker');
