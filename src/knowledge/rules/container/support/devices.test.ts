import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceName } from './devices.ts';

/** The name as read before the shortcut for clean paths: every path cleaned component by component. */
function reference(hostPath: string): string {
  const parts: string[] = [];
  for (const c of hostPath.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  let p = `/${parts.join('/')}`;
  for (let m = /^\/proc\/(self|thread-self|\d+)\/root(\/.*)?$/.exec(p); m; m = /^\/proc\/(self|thread-self|\d+)\/root(\/.*)?$/.exec(p)) p = m[2] ?? '/';
  return p;
}

test('a device path reads as the same name whether it is clean already or not', () => {
  assert.equal(deviceName('//dev/./vda'), '/dev/vda');
  assert.equal(deviceName('/proc/self/root/dev/mem'), '/dev/mem');
  assert.equal(deviceName('/dev/sda'), '/dev/sda');
  const parts = ['', '.', '..', '...', '.x', 'dev', 'proc', 'self', '1', 'root', 'sda'];
  let checked = 0;
  const visit = (p: string, depth: number): void => {
    for (const form of [p, `/${p}`, `${p}/`]) {
      assert.equal(deviceName(form), reference(form), JSON.stringify(form));
      checked++;
    }
    if (depth < 5) for (const c of parts) visit(p === '' ? c : `${p}/${c}`, depth + 1);
  };
  visit('', 0);
  assert.ok(checked > 100000, `${checked} paths`);
});
