import rule from './etc-sysconfig-docker-mode.ts';
import { modeCases } from './test-support/rule-cases.ts';

modeCases(rule, '/etc/sysconfig/docker', 0o644);
