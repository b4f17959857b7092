import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../models/finding.ts';
import { raiseForExposure } from './exposure.ts';

const f = (ruleId: string, severity: Finding['severity'], id = 'web'): Finding => ({ ruleId, severity, title: 't', message: 'runs as root', subject: { kind: 'container', id, name: id }, remediation: 'r', references: {} });

test('findings of exposed containers rise one severity and say why', () => {
  const [low, medium, high] = raiseForExposure([f('container-x', 'low'), f('container-root-user', 'medium'), f('container-y', 'high')], new Set(['web']));
  assert.equal(low?.severity, 'medium');
  assert.equal(medium?.severity, 'high');
  assert.equal(medium?.message, 'runs as root (raised from medium: the container is reachable from outside the host)');
  assert.equal(high?.severity, 'critical');
});

test('info, critical, rules about exposure itself and other containers stay as they are', () => {
  const input = [f('container-x', 'info'), f('container-x', 'critical'), f('container-ports-all-interfaces', 'medium'), f('container-x', 'medium', 'db')];
  assert.deepEqual(raiseForExposure(input, new Set(['web'])), input);
  assert.deepEqual(raiseForExposure(input, new Set()), input);
});
