import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './swarm-overlay-encrypted.ts';
import { issues, swarmFacts } from './test-support/cases.ts';

test('each unencrypted overlay network is one finding; encrypted ones pass', () => {
  const out = issues(
    rule,
    swarmFacts({
      overlayNetworks: [
        { name: 'ingress', id: 'i1', encrypted: false, ingress: true },
        { name: 'backend', id: 'b1', encrypted: false, ingress: false },
        { name: 'secure', id: 's1', encrypted: true, ingress: false },
      ],
    }),
  );
  assert.deepEqual(
    out.map((i) => i.at),
    [{ path: '/networks/i1.Options.encrypted' }, { path: '/networks/b1.Options.encrypted' }],
  );
  assert.match(out[0]!.message, /ingress.*--ingress --opt encrypted/);
  assert.match(out[1]!.message, /^overlay network backend is not encrypted/);
});

test('no overlay network, or all encrypted: pass', () => {
  assert.deepEqual(issues(rule, swarmFacts({ overlayNetworks: [] })), []);
  assert.deepEqual(issues(rule, swarmFacts({ overlayNetworks: [{ name: 'x', id: 'x', encrypted: true, ingress: false }] })), []);
});
