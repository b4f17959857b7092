import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerBytes, proposeLimits } from './limits.ts';

const MIB = 1024 * 1024;

test('limits add headroom to the peaks: 1.5× or +32 MiB for memory, 2× or +16 for pids', () => {
  const small = proposeLimits({ memory: 2 * MIB, pids: 1, samples: 3 }, {});
  assert.equal(small.memory, 34 * MIB);
  assert.equal(small.pids, 17);
  const big = proposeLimits({ memory: 200 * MIB, pids: 40, samples: 9 }, {});
  assert.equal(big.memory, 300 * MIB);
  assert.equal(big.pids, 80);
  assert.match(big.because, /peaks over 9 samples: 200\.0 MiB memory, 40 pids/);
});

test('never looser than the original limits', () => {
  const l = proposeLimits({ memory: 200 * MIB, pids: 40, samples: 2 }, { memory: 256 * MIB, pids: 50 });
  assert.equal(l.memory, 256 * MIB);
  assert.equal(l.pids, 50);
  assert.match(l.because, /the original limit, which is lower/);
});

test('no sample is said, not hidden', () => {
  assert.match(proposeLimits({ samples: 0 }, {}).because, /no sample/);
  assert.equal(dockerBytes(35 * MIB), '35m');
  assert.equal(dockerBytes(35 * MIB + 1), `${35 * MIB + 1}b`);
});
