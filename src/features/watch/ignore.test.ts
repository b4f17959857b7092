import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WatchIgnore } from '../../doors/config/load.ts';
import { makeAlert } from './alert.ts';
import { isIgnoreExpired, matchingIgnore } from './ignore.ts';

const at = { file: '/p/moat.yaml', line: 1 };
const drift = makeAlert({ kind: 'drift', severity: 'medium', message: 'm', container: { id: 'abc123', name: 'web-1' }, details: { path: '/etc/nginx/conf.d/x', change: 'added', reason: 'system-path' } });
const now = new Date('2026-06-01T12:00:00Z');

test('a watch ignore matches kind, container glob and the per-kind target', () => {
  const ig: WatchIgnore = { kind: 'drift', container: 'web-*', match: '/etc/nginx/*', reason: 'r', at };
  assert.equal(matchingIgnore(drift, [ig], now), ig);
  assert.equal(matchingIgnore(drift, [{ ...ig, container: 'db-*' }], now), undefined);
  assert.equal(matchingIgnore(drift, [{ ...ig, match: '/usr/*' }], now), undefined);
  assert.equal(matchingIgnore(drift, [{ ...ig, kind: 'exec' }], now), undefined);
  const exec = makeAlert({ kind: 'exec', severity: 'medium', message: 'm', container: { id: 'abc123', name: 'web-1' }, details: { execId: '1', command: ['/usr/bin/backup', '--all'] } });
  assert.ok(matchingIgnore(exec, [{ kind: 'exec', match: '/usr/bin/backup *', reason: 'nightly backup', at }], now));
});

test('an expired ignore stops applying; alerts about the watch itself cannot be ignored', () => {
  const ig: WatchIgnore = { kind: 'drift', reason: 'r', expires: '2026-05-31', at };
  assert.ok(isIgnoreExpired(ig, now));
  assert.equal(matchingIgnore(drift, [ig], now), undefined);
  assert.ok(matchingIgnore(drift, [{ ...ig, expires: '2026-06-01' }], now), 'good through the named day');
  const gap = makeAlert({ kind: 'events-missed', severity: 'high', message: 'm', details: { reason: 'r' } });
  assert.equal(matchingIgnore(gap, [{ kind: 'drift', reason: 'r', at }], now), undefined);
});
