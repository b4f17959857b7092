import rule from './docker-socket-unit-mode.ts';
import { modeCases } from './test-support/rule-cases.ts';

modeCases(rule, '/lib/systemd/system/docker.socket', 0o644);
