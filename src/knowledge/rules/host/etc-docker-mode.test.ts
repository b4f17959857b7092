import rule from './etc-docker-mode.ts';
import { modeCases } from './test-support/rule-cases.ts';

modeCases(rule, '/etc/docker', 0o755, { type: 'directory' });
