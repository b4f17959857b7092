import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './docker-socket.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags the docker socket, read-only too, and the run directory holding it', () => {
  const out = rule.check(
    containerFacts({
      mounts: [
        { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true, at: { path: 'Mounts[0]' } },
        { type: 'bind', source: '/run/', target: '/hostrun', readOnly: false },
      ],
    }),
  );
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 2);
  assert.deepEqual(out[0]?.at, { path: 'Mounts[0]' });
  assert.match(out[0]?.message ?? '', /read-only, which does not stop/);
});

test('passes ordinary mounts and a volume named like a socket', () => {
  const out = rule.check(
    containerFacts({
      mounts: [
        { type: 'bind', source: '/srv/data', target: '/data', readOnly: true },
        { type: 'volume', source: 'docker.sock', target: '/x', readOnly: false },
      ],
    }),
  );
  assert.deepEqual(out, []);
});
