import rule from './etc-default-docker-owner.ts';
import { ownerCases } from './support/rule-cases.ts';

ownerCases(rule, '/etc/default/docker');
