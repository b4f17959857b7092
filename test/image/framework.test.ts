/**
 * The analyzer framework end to end on crafted images: stream consumers see a file's
 * bytes once during the pass and their result counts only if that very file survives;
 * content wants are kept once for several analyzers; a failing analyzer is a problem.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analyzer, FileHeader } from '../../src/doors/analyzers/analyzer.ts';
import { allAnalyzers } from '../../src/doors/analyzers/index.ts';
import { scanImage } from '../../src/doors/image/scan.ts';
import { dir, dockerSaveLegacy, file, makeTar, sha256 } from '../support/tar.ts';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'moat-framework-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Hashes every executable under usr/bin as it streams: the shape of a Go build-info scanner. */
function hasher(seen: string[]): Analyzer<string> {
  return {
    name: 'test-hasher',
    version: 1,
    kind: 'packages',
    want: (f: FileHeader) => (f.path.startsWith('usr/bin/') && (f.mode & 0o111) !== 0 ? 'stream' : undefined),
    consume(f) {
      seen.push(f.path);
      const h = createHash('sha256');
      return { write: (c) => void h.update(c), end: () => h.digest('hex') };
    },
    analyze(ctx) {
      return {
        packages: ctx.streamed.map(({ file: f, result }) => ({ type: 'generic' as const, name: f.path, version: result.slice(0, 12), purl: `pkg:generic/${f.path.replaceAll('/', '%2F')}@${result.slice(0, 12)}`, foundIn: f.path, analyzer: 'test-hasher' })),
      };
    },
  };
}

test('stream results count only for files present in the final image', async () => {
  const l1 = await makeTar([dir('usr/'), dir('usr/bin/'), file('usr/bin/kept', 'v1', 0o755), file('usr/bin/replaced', 'old', 0o755), file('usr/bin/deleted', 'x', 0o755), file('usr/bin/not-exec', 'n', 0o644)]);
  const l2 = await makeTar([dir('usr/'), dir('usr/bin/'), file('usr/bin/replaced', 'new', 0o755), file('usr/bin/.wh.deleted', '')]);
  const path = join(work, 'stream.tar');
  writeFileSync(path, await dockerSaveLegacy([l1, l2]));
  const seen: string[] = [];
  const scan = await scanImage(`docker-archive:${path}`, { analyzers: [hasher(seen)] });
  assert.deepEqual(seen.sort(), ['usr/bin/deleted', 'usr/bin/kept', 'usr/bin/replaced', 'usr/bin/replaced'], 'every wanted file is streamed once, in every layer');
  const digest = (s: string) => sha256(Buffer.from(s)).slice(7, 19);
  assert.deepEqual(
    scan.inventory.packages.map((p) => `${p.name} ${p.version}`),
    [`usr/bin/kept ${digest('v1')}`, `usr/bin/replaced ${digest('new')}`],
  );
  assert.equal(scan.files.stat('usr/bin/kept')?.content, 'not-kept', 'streamed files are not stored');
});

test('an analyzer that throws becomes a problem; the others still run', async () => {
  const broken: Analyzer = { name: 'test-broken', version: 1, kind: 'packages', want: () => undefined, analyze: () => { throw new Error('boom'); } };
  const l = await makeTar([dir('etc/'), file('etc/alpine-release', '3.20.0\n')]);
  const path = join(work, 'broken.tar');
  writeFileSync(path, await dockerSaveLegacy([l]));
  const scan = await scanImage(`docker-archive:${path}`, { analyzers: [broken, ...allAnalyzers] });
  assert.equal(scan.inventory.os?.id, 'alpine');
  assert.deepEqual(scan.inventory.problems, [{ analyzer: 'test-broken', message: 'the test-broken analyzer failed: boom' }]);
  assert.deepEqual(scan.inventory.analyzers.map((a) => a.name), ['test-broken', ...allAnalyzers.map((a) => a.name)]);
});

test('a consumer that fails on a file is a problem for that file only', async () => {
  const failing: Analyzer = {
    name: 'test-failing-stream',
    version: 1,
    kind: 'packages',
    want: (f) => (f.path === 'big' ? 'stream' : undefined),
    consume: () => ({ write: () => { throw new Error('cannot parse'); }, end: () => 'never' }),
    analyze: (ctx) => ({ packages: ctx.streamed.map(() => { throw new Error('no result should survive'); }) }),
  };
  const path = join(work, 'failing.tar');
  writeFileSync(path, await dockerSaveLegacy([await makeTar([file('big', 'data')])]));
  const scan = await scanImage(`docker-archive:${path}`, { analyzers: [failing] });
  assert.deepEqual(scan.inventory.problems, [{ analyzer: 'test-failing-stream', path: 'big', message: 'reading /big failed: cannot parse' }]);
});

test('a root file system: absolute symlinks resolve under the directory, never on the host', async () => {
  const root = join(work, 'rootfs');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  writeFileSync(join(root, 'usr/lib/os-release'), 'ID=moattest\nVERSION_ID=7\n');
  symlinkSync('/usr/lib/os-release', join(root, 'etc/os-release'));
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  symlinkSync('/etc/shadow', join(root, 'var/lib/dpkg/status'));
  const scan = await scanImage({ kind: 'rootfs', dir: root });
  assert.deepEqual([scan.inventory.os?.id, scan.inventory.os?.versionId, scan.inventory.os?.foundIn], ['moattest', '7', 'usr/lib/os-release']);
  assert.deepEqual(scan.inventory.packages, [], "the host's /etc/shadow is never read");
  assert.deepEqual(scan.inventory.problems, []);
  assert.equal(scan.files.stat('var/lib/dpkg/status', false)?.linkname, '/etc/shadow');
});
