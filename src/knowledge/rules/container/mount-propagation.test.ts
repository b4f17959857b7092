import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './mount-propagation.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('flags shared and rshared propagation', () => {
  const out = issues(rule, containerFacts({
    mounts: [
      { type: 'bind', source: '/srv/a', target: '/a', readOnly: false, propagation: 'shared', at: { path: 'Mounts[0]' } },
      { type: 'bind', source: '/srv/b', target: '/b', readOnly: false, propagation: 'rshared' },
    ],
  }));
  assert.equal(out.length, 2);
  assert.deepEqual(out[0]?.at, { path: 'Mounts[0]' });
});

test('passes private, slave and default propagation', () => {
  const out = issues(rule, containerFacts({
    mounts: [
      { type: 'bind', source: '/srv/a', target: '/a', readOnly: false, propagation: 'rprivate' },
      { type: 'bind', source: '/srv/b', target: '/b', readOnly: false, propagation: 'rslave' },
      { type: 'volume', source: 'v', target: '/c', readOnly: false },
    ],
  }));
  assert.deepEqual(out, []);
});
