import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MoatError } from '../util/errors.ts';
import { tempDir } from '../knowledge/vuln/test-support/temp.ts';
import { writeOutput } from './output.ts';

const dir = tempDir('output');

test('a new file is created whole, and nothing is left beside it', () => {
  const f = path.join(dir, 'new.json');
  writeOutput(f, '{"a":1}\n');
  assert.equal(readFileSync(f, 'utf8'), '{"a":1}\n');
  assert.ok(statSync(f).isFile());
  assert.deepEqual(
    spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.split('\n').filter((n) => n.includes('.tmp')),
    [],
  );
});

// Run as root (the test machine's user): chown and mknod need it.
test('an existing regular file is replaced but keeps its mode 0640 and its owner', () => {
  const f = path.join(dir, 'kept.json');
  writeFileSync(f, 'old old old old\n');
  chmodSync(f, 0o640);
  chownSync(f, 1234, 4321);
  const inode = statSync(f).ino;
  writeOutput(f, 'new\n');
  const st = statSync(f);
  assert.equal(readFileSync(f, 'utf8'), 'new\n');
  assert.equal(st.mode & 0o7777, 0o640);
  assert.equal(st.uid, 1234);
  assert.equal(st.gid, 4321);
  assert.notEqual(st.ino, inode, 'a regular file is replaced by rename (atomic)');
});

test('a character device (a copy of /dev/null, 1:3) stays a device', () => {
  const dev = path.join(dir, 'null');
  const made = spawnSync('mknod', ['-m', '666', dev, 'c', '1', '3']);
  assert.equal(made.status, 0, String(made.stderr));
  writeOutput(dev, 'a report nobody keeps\n');
  const st = lstatSync(dev);
  assert.ok(st.isCharacterDevice(), 'still a character device');
  assert.equal(st.rdev, statSync('/dev/null').rdev);
  // And through a symbolic link to it.
  const link = path.join(dir, 'null-link');
  symlinkSync(dev, link);
  writeOutput(link, 'x\n');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.ok(lstatSync(dev).isCharacterDevice());
});

test('a FIFO gets the bytes and stays a FIFO', async () => {
  const fifo = path.join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let got = '';
  reader.stdout.on('data', (c) => (got += c));
  const closed = new Promise((r) => reader.on('close', r));
  writeOutput(fifo, 'through the fifo\n');
  await closed;
  assert.equal(got, 'through the fifo\n');
  assert.ok(lstatSync(fifo).isFIFO());
});

test('a symbolic link to a regular file replaces the target and keeps the link', () => {
  mkdirSync(path.join(dir, 'reports'));
  const target = path.join(dir, 'reports', 'today.json');
  writeFileSync(target, 'old\n');
  chmodSync(target, 0o600);
  const link = path.join(dir, 'report.json');
  symlinkSync('reports/today.json', link);
  writeOutput(link, 'new\n');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readlinkSync(link), 'reports/today.json');
  assert.equal(readFileSync(target, 'utf8'), 'new\n');
  assert.equal(statSync(target).mode & 0o7777, 0o600);
});

test('a dangling symbolic link is refused, and nothing is created where it points', () => {
  const link = path.join(dir, 'dangling.json');
  symlinkSync(path.join(dir, 'nowhere', 'planted'), link);
  assert.throws(() => writeOutput(link, 'x'), (e: unknown) => e instanceof MoatError && e.kind === 'usage' && /symbolic link to a path that does not exist/.test(e.message));
  assert.ok(lstatSync(link).isSymbolicLink());
});

test('a file with another hard link is rewritten in place, so both names see the report', () => {
  const a = path.join(dir, 'linked-a.json');
  const b = path.join(dir, 'linked-b.json');
  writeFileSync(a, 'old content that is longer\n');
  linkSync(a, b);
  writeOutput(a, 'new\n');
  assert.equal(readFileSync(b, 'utf8'), 'new\n');
  assert.equal(statSync(a).ino, statSync(b).ino);
});

test('a directory is refused with a usage error naming it', () => {
  const d = path.join(dir, 'a-directory');
  mkdirSync(d);
  assert.throws(() => writeOutput(d, 'x'), (e: unknown) => e instanceof MoatError && e.kind === 'usage' && e.message.startsWith(`cannot write --output ${d}: it is a directory`));
});

test('a missing parent directory is a usage error, not a stack trace', () => {
  const f = path.join(dir, 'no', 'such', 'dir.json');
  assert.throws(() => writeOutput(f, 'x'), (e: unknown) => e instanceof MoatError && /ENOENT/.test(e.message));
});
