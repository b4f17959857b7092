import rule from './daemon-json-owner.ts';
import { ownerCases } from './test-support/rule-cases.ts';

ownerCases(rule, '/etc/docker/daemon.json');
