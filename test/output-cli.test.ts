/**
 * `--output` through the CLI as a user (root here) runs it: a device stays a device, a
 * directory is refused with exit 2, every command that takes --output uses the same writer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../src/knowledge/vuln/test-support/temp.ts';
import { runMoat } from './support/moat-cli.ts';

const dir = tempDir('output-cli');
mkdirSync(path.join(dir, 'src'));
writeFileSync(path.join(dir, 'src', 'Dockerfile'), 'FROM debian:12\nUSER app\n');

test('moat lint --output on a copy of /dev/null (char device 1:3) leaves a device, and the real /dev/null is untouched', async () => {
  const dev = path.join(dir, 'null');
  assert.equal(spawnSync('mknod', ['-m', '666', dev, 'c', '1', '3']).status, 0);
  const before = statSync('/dev/null');
  const r = await runMoat(['lint', 'src', '--format', 'json', '--output', dev], { cwd: dir });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.match(r.stderr, /moat: wrote .*null/);
  assert.ok(lstatSync(dev).isCharacterDevice());
  const after = statSync('/dev/null');
  assert.ok(after.isCharacterDevice());
  assert.equal(after.ino, before.ino);
});

test('moat lint --output DIR is refused with exit 2 and a one-line error', async () => {
  mkdirSync(path.join(dir, 'out'));
  const r = await runMoat(['lint', 'src', '--output', 'out'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^moat: cannot write --output out: it is a directory; give a file name/m);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('moat lint --output FILE writes the report whole', async () => {
  const r = await runMoat(['lint', 'src', '--format', 'json', '--output', 'report.json'], { cwd: dir });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal((JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as { command: string }).command, 'lint');
});
