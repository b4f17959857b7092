import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeAlert, type Alert } from './alert.ts';
import { AlertBuffer } from './alert-buffer.ts';

const alert = (n: number): Alert => makeAlert({ kind: 'oom', severity: 'medium', message: `a${n}`, details: {} });

test('a reader that falls behind loses the oldest alerts, is told how many, and then gets the rest in order', async () => {
  const b = new AlertBuffer(3);
  for (let i = 0; i < 5; i++) b.push(alert(i));
  b.close();
  const got: string[] = [];
  for await (const a of b) got.push(a.kind === 'alerts-dropped' ? `dropped ${(a.details as { dropped: number }).dropped}` : a.message);
  assert.deepEqual(got, ['dropped 2', 'a2', 'a3', 'a4']);
});

test('a waiting reader gets each alert as it is pushed; close with an error makes iteration throw after the buffered ones', async () => {
  const b = new AlertBuffer(10);
  const it = b[Symbol.asyncIterator]();
  const first = it.next();
  b.push(alert(1));
  assert.equal(((await first).value as Alert).message, 'a1');
  b.push(alert(2));
  b.close(new Error('engine gone'));
  assert.equal(((await it.next()).value as Alert).message, 'a2');
  await assert.rejects(it.next(), /engine gone/);
});
