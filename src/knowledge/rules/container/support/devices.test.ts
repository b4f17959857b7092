import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanedDeviceName, deviceName } from './devices.ts';

test('a device path reads as the same name whether it is clean already (kept as written) or not (cleaned)', () => {
  assert.equal(deviceName('//dev/./vda'), '/dev/vda');
  assert.equal(deviceName('/proc/self/root/dev/mem'), '/dev/mem');
  assert.equal(deviceName('/dev/sda'), '/dev/sda');
  const parts = ['', '.', '..', '...', '.x', 'dev', 'proc', 'self', '1', 'root', 'sda'];
  let checked = 0;
  const visit = (p: string, depth: number): void => {
    for (const form of [p, `/${p}`, `${p}/`]) {
      assert.equal(deviceName(form), cleanedDeviceName(form), JSON.stringify(form));
      checked++;
    }
    if (depth < 5) for (const c of parts) visit(p === '' ? c : `${p}/${c}`, depth + 1);
  };
  visit('', 0);
  assert.ok(checked > 100000, `${checked} paths`);
});
