import rule from './daemon-json-owner.ts';
import { ownerCases } from './support/rule-cases.ts';

ownerCases(rule, '/etc/docker/daemon.json');
