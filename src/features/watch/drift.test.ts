import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeSignature, classifyChange, isDirectory, isExecutable, isSetId, leafChanges, parsePathStat, type PathStat } from './drift.ts';

const header = (s: object): string => Buffer.from(JSON.stringify(s)).toString('base64');
// Modes as the engine's X-Docker-Container-Path-Stat gave them on this machine (Go os.FileMode).
const DIR = { name: 'etc', size: 4096, mode: 2147484141, mtime: '2026-12-01T20:41:22Z', linkTarget: '' };
const EXEC = { name: 'tool', size: 767560, mode: 493, mtime: '2026-12-01T20:38:35Z', linkTarget: '' };
const SUID = { name: 'suid', size: 762568, mode: 8389101, mtime: '2026-12-01T20:41:21Z', linkTarget: '' };
const CONF = { name: 'app.conf', size: 12, mode: 0o644, mtime: '2026-12-01T20:41:21Z', linkTarget: '' };

test('the stat header is decoded and Go file modes are read: directory, executable, setuid', () => {
  const dir = parsePathStat(header(DIR)) as PathStat;
  assert.ok(isDirectory(dir.mode) && !isExecutable(dir.mode));
  assert.ok(isExecutable(EXEC.mode) && !isSetId(EXEC.mode));
  assert.ok(isExecutable(SUID.mode) && isSetId(SUID.mode));
  assert.ok(!isExecutable(CONF.mode));
});

test('a stat header that is not base64 JSON of a stat, or is huge, is no stat', () => {
  assert.equal(parsePathStat(undefined), undefined);
  assert.equal(parsePathStat('!!!'), undefined);
  assert.equal(parsePathStat(header({ name: 'x' })), undefined);
  assert.equal(parsePathStat('A'.repeat(100_000)), undefined);
});

test('parent directories listed because a child changed are not drift of their own', () => {
  const leaves = leafChanges([
    { Path: '/etc', Kind: 0 },
    { Path: '/etc/newbin', Kind: 1 },
    { Path: '/etcetera', Kind: 1 },
    { Path: '/tmp', Kind: 0 },
  ]);
  assert.deepEqual(leaves.map((c) => c.Path).sort(), ['/etc/newbin', '/etcetera', '/tmp']);
});

test('what counts as drift: executables anywhere, anything under system directories, nothing else', () => {
  assert.deepEqual(classifyChange({ Path: '/tmp/x', Kind: 1 }, EXEC), { path: '/tmp/x', change: 'added', reason: 'executable', mode: '0755', size: EXEC.size });
  assert.equal(classifyChange({ Path: '/etc/suid', Kind: 1 }, SUID)?.setuid, true);
  assert.equal(classifyChange({ Path: '/etc/app.conf', Kind: 0 }, CONF)?.reason, 'system-path');
  assert.equal(classifyChange({ Path: '/var/log/app.log', Kind: 0 }, CONF), undefined);
  assert.equal(classifyChange({ Path: '/usr/lib/x.so', Kind: 2 }, undefined)?.change, 'deleted');
  assert.equal(classifyChange({ Path: '/tmp/gone', Kind: 2 }, undefined), undefined);
  assert.equal(classifyChange({ Path: '/etc', Kind: 0 }, DIR), undefined);
  assert.equal(classifyChange({ Path: '/usrlocal/x', Kind: 1 }, CONF), undefined, '/usrlocal is not under /usr');
});

test('the same file changed again has a new signature', () => {
  const a = changeSignature({ Path: '/etc/x', Kind: 0 }, CONF);
  assert.equal(changeSignature({ Path: '/etc/x', Kind: 0 }, { ...CONF }), a);
  assert.notEqual(changeSignature({ Path: '/etc/x', Kind: 0 }, { ...CONF, size: 13 }), a);
  assert.notEqual(changeSignature({ Path: '/etc/x', Kind: 0 }, { ...CONF, mode: 0o755 }), a);
});
