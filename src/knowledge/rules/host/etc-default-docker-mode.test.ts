import rule from './etc-default-docker-mode.ts';
import { modeCases } from './test-support/rule-cases.ts';

modeCases(rule, '/etc/default/docker', 0o644);
