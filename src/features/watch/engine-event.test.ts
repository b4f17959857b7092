import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { baseAction, eventDate, lines, parseEventLine } from './engine-event.ts';

// As dockerd 20.10 sends it (captured from this machine's engine).
const LINE =
  '{"status":"exec_start: /bin/sh -c /tool exit 0","id":"9e8f","from":"moat-test/wprobe:0","Type":"container","Action":"exec_start: /bin/sh -c /tool exit 0","Actor":{"ID":"9e8fa063b884","Attributes":{"execID":"238d","image":"moat-test/wprobe:0","name":"wp-hc"}},"scope":"local","time":1796157144,"timeNano":1796157144743753854}';

test('an event keeps its nanoseconds exactly (beyond 2^53) and its attributes', () => {
  const e = parseEventLine(LINE);
  assert.equal(e.timeNano, 1796157144743753854n);
  assert.equal(e.type, 'container');
  assert.equal(baseAction(e.action), 'exec_start');
  assert.equal(e.attributes.execID, '238d');
  assert.equal(eventDate(e).toISOString(), '2026-12-01T20:32:24.743Z');
  const next = parseEventLine(LINE.replace('743753854', '743753855'));
  assert.notEqual(next.key, e.key, 'events one nanosecond apart are different events');
});

test('lines that are not events are errors that say what was wrong', () => {
  assert.throws(() => parseEventLine('{"Type":'), /not JSON/);
  assert.throws(() => parseEventLine('{"Type":"container","Action":"start","time":1}'), /not an engine event at Actor/);
  assert.throws(() => parseEventLine('[1,2]'), /not an engine event/);
});

test('lines(): split chunks, a multi-byte character cut in two, and an oversized line skipped without losing the next', async () => {
  const euro = Buffer.from('{"a":"€"}\n');
  const cut = euro.indexOf(0xe2) + 1;
  const chunks = [Buffer.from('one\ntw'), Buffer.from('o\n'), euro.subarray(0, cut), euro.subarray(cut), Buffer.from('x'.repeat(50)), Buffer.from('y'.repeat(50) + '\nafter\n')];
  const oversize: number[] = [];
  const got: string[] = [];
  for await (const l of lines(Readable.from(chunks), 64, (n) => oversize.push(n))) got.push(l);
  assert.deepEqual(got, ['one', 'two', '{"a":"€"}', 'after']);
  assert.deepEqual(oversize, [100]);
});
