import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesOf } from '../../analyzers/test-support/files.ts';
import { FileUnavailableError } from './tree.ts';

test('symlinks resolve inside the root: absolute targets restart there, .. stops there', async () => {
  const f = filesOf({ etc: null, 'etc/real': 'r', 'etc/abs': '-> /etc/real', 'etc/up': '-> ../../../../etc/real', 'etc/dir': '-> /etc' });
  assert.equal(f.stat('etc/abs')?.path, 'etc/real');
  assert.equal(f.stat('etc/up')?.path, 'etc/real');
  assert.equal(f.stat('etc/dir/dir/dir/real')?.path, 'etc/real');
  assert.equal((await f.readFile('etc/up')).toString(), 'r');
  assert.equal(f.stat('etc/abs', false)?.type, 'symlink');
});

test('a symlink loop is an unavailable file with a reason, not a hang', async () => {
  const f = filesOf({ a: '-> b', b: '-> a', self: '-> self/x' });
  assert.equal(f.stat('a'), undefined);
  await assert.rejects(f.readFile('a'), (e: unknown) => e instanceof FileUnavailableError && /too many levels of symbolic links/.test(e.message));
  await assert.rejects(f.readFile('self'), /too many levels of symbolic links/);
});

test('reads say why they cannot: missing, a directory, not kept, released', async () => {
  const f = filesOf({ etc: null, 'etc/x': 'x' });
  await assert.rejects(f.readFile('etc/nope'), /\/etc\/nope does not exist/);
  await assert.rejects(f.readFile('etc'), /\/etc is a dir, not a file/);
  await assert.rejects(f.readFile('etc/x/y'), /cannot be resolved: etc\/x is not a directory/);
  f.releaseContents();
  await assert.rejects(f.readFile('etc/x'), /was released when the scan finished/);
  assert.equal(f.stat('etc/x')?.content, 'released');
  assert.match(f.stat('etc/x')?.digests?.sha256 ?? '', /^[0-9a-f]{64}$/, 'digests outlive the content');
});

test('walk lists every entry once, depth first, sorted', () => {
  const f = filesOf({ b: null, 'b/z': 'z', 'b/a': 'a', a: 'a' });
  assert.deepEqual([...f.walk()].map((e) => e.path), ['a', 'b', 'b/a', 'b/z']);
});
