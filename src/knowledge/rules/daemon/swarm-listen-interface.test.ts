import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './swarm-listen-interface.ts';
import { issues, reason, swarmFacts } from './test-support/cases.ts';
import { decodeProcAddress, swarmListenersIn } from '../../../doors/swarm/listeners.ts';

test('a wildcard listener (IPv4 or IPv6) fails; a specific address passes', () => {
  const out = issues(rule, swarmFacts({ managementListeners: ['0.0.0.0:2377', '[::]:2377'] }));
  assert.equal(out.length, 2);
  assert.match(out[0]!.message, /listens on 0\.0\.0\.0:2377, every interface/);
  assert.deepEqual(issues(rule, swarmFacts({ managementListeners: ['10.0.0.5:2377'] })), []);
});

test('without the daemon\'s sockets (remote): not applicable, saying where to run', () => {
  assert.match(reason(rule, swarmFacts({ managementListeners: undefined })), /own host/);
});

test('/proc/net/tcp lines decode to the listening addresses on 2377 only', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:0949 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
    '   1: 0100007F:0949 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1',
    '   2: 0100007F:0949 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1',
    '   3: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1',
  ].join('\n');
  assert.deepEqual(swarmListenersIn(text), ['0.0.0.0:2377', '127.0.0.1:2377']);
  assert.equal(decodeProcAddress('00000000000000000000000000000000:0949'), '[::]:2377');
});
