import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReport, ShapeError } from './report-shape.ts';

const base = (images: object[], containers: object[]): Record<string, unknown> => ({ schema: 'moat.agent-report/1', id: 'r1', host: 'web-1', sentAt: '2026-12-07T00:00:00Z', agentVersion: '0.1.0', audit: { findings: [] }, images, containers });
const digest = 'sha256:' + 'a'.repeat(64);

test('an image signature verdict and a container configuration are checked where they are, and kept', () => {
  const ok = checkReport(base([{ digest, signature: { status: 'unsigned', reason: 'no signature' } }], [{ id: 'c1', config: { privileged: false } }]));
  assert.deepEqual(ok.images[0]?.signature, { status: 'unsigned', reason: 'no signature' });
  assert.deepEqual(ok.containers?.[0]?.config, { privileged: false });
  assert.throws(() => checkReport(base([{ digest, signature: { status: 'fine' } }], [])), (e: Error) => e instanceof ShapeError && /^report\.images\[0\]\.signature\.status: must be one of trusted, untrusted, unsigned, unknown, not-checked$/.test(e.message));
  assert.throws(() => checkReport(base([{ digest, signature: { status: 'trusted', signer: 7 } }], [])), /report\.images\[0\]\.signature\.signer: must be a string$/);
  assert.throws(() => checkReport(base([], [{ id: 'c1', config: ['privileged'] }])), /report\.containers\[0\]\.config: must be an object$/);
});
