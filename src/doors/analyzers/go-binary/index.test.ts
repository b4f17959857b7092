import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzer, MAX_BINARY, parseModinfo, toolchainVersion } from './index.ts';
import { buildInfoScanner, type BuildInfoResult } from './scanner.ts';
import { header, scanFiles } from '../test-support/files.ts';
import { goBinaries, goVersionM, GO117_BINARY, type GoBinaries } from '../test-support/go.ts';
import type { Inventory } from '../../../models/inventory.ts';

let bins: GoBinaries;
before(async () => {
  bins = await goBinaries();
});

const exe = (data: Buffer): { data: Buffer; mode: number } => ({ data, mode: 0o755 });

/** What Moat should list, derived from `go version -m`: stdlib, the main module, each dep or the module replacing it. */
async function expected(binary: string): Promise<string[]> {
  const { goVersion, lines } = await goVersionM(binary);
  const out = [`stdlib ${goVersion.replace(/^go/, '')}`];
  for (const [i, l] of lines.entries()) {
    if (l[0] !== 'mod' && l[0] !== 'dep') continue;
    const next = lines[i + 1];
    const local = next?.[0] === '=>' && /^[./]/.test(next[1] ?? '');
    out.push(next?.[0] === '=>' && !local ? `${next[1]} ${next[2]}` : `${l[1]} ${l[2]}`);
  }
  return out.sort();
}

function listed(inv: Inventory, path: string): string[] {
  return inv.packages.filter((p) => p.foundIn === path).map((p) => `${p.name} ${p.version}`).sort();
}

test('want: regular files with an execute bit, whatever their name', () => {
  const sized = (path: string, mode: number, size = 4096) => ({ ...header(path, mode), size });
  assert.equal(analyzer.want(sized('usr/local/bin/app', 0o755)), 'stream');
  assert.equal(analyzer.want(sized('app/server', 0o700)), 'stream');
  assert.equal(analyzer.want(sized('app/server', 0o644)), undefined);
  assert.equal(analyzer.want(sized('tiny', 0o755, 10)), undefined);
});

test('Go 1.19 binaries (static and PIE) and a Go 1.17 one (pointer-format build info) equal go version -m', async () => {
  const inv = await scanFiles({ 'usr/bin/moatapp': exe(readFileSync(bins.static)), 'usr/bin/moatapp-pie': exe(readFileSync(bins.pie)), 'opt/esbuild': exe(readFileSync(GO117_BINARY)) }, [analyzer]);
  assert.deepEqual(inv.problems, []);
  assert.deepEqual(listed(inv, 'usr/bin/moatapp'), await expected(bins.static));
  assert.deepEqual(listed(inv, 'usr/bin/moatapp-pie'), await expected(bins.pie));
  assert.deepEqual(listed(inv, 'opt/esbuild'), await expected(GO117_BINARY));
  assert.deepEqual(listed(inv, 'opt/esbuild'), ['github.com/evanw/esbuild (devel)', 'golang.org/x/sys v0.0.0-20210908233432-aa78b53d3365', 'stdlib 1.17.2']);
  const app = inv.packages.filter((p) => p.foundIn === 'usr/bin/moatapp');
  const toolchain = (await goVersionM(bins.static)).goVersion.slice(2);
  assert.deepEqual(app.map((p) => p.purl).sort(), [
    'pkg:golang/example.com/moatapp@(devel)',
    'pkg:golang/example.com/moatdep@v1.2.3',
    'pkg:golang/example.com/moatfork@v1.5.0',
    'pkg:golang/example.com/moatlocal@v0.3.0',
    `pkg:golang/stdlib@${toolchain}`,
  ]);
  assert.ok(app.every((p) => p.type === 'golang' && p.analyzer === 'go-binary@1'));
});

test("Debian's go command: its own build info, not the magic string it carries as a literal", async () => {
  const go = readFileSync('/usr/lib/go-1.19/bin/go');
  assert.ok(go.indexOf('\xff Go buildinf:', 'latin1') !== go.lastIndexOf('\xff Go buildinf:', 'latin1'), 'the literal is there as well as the real header');
  const inv = await scanFiles({ 'usr/bin/go': exe(go) }, [analyzer]);
  assert.deepEqual(listed(inv, 'usr/bin/go'), await expected('/usr/lib/go-1.19/bin/go'));
  assert.deepEqual(inv.problems, []);
});

test('any chunking of the stream gives the same result', async () => {
  const feed = async (bytes: Buffer, size: number): Promise<BuildInfoResult | undefined> => {
    const s = buildInfoScanner();
    for (let i = 0; i < bytes.length; i += size) await s.write(bytes.subarray(i, i + size));
    return s.end();
  };
  for (const bin of [bins.static, GO117_BINARY]) {
    const bytes = readFileSync(bin);
    const whole = await feed(bytes, bytes.length);
    assert.ok(whole?.ok, bin);
    for (const size of [13, 4093, 65536, 1 << 20]) assert.deepEqual(await feed(bytes, size), whole, `${bin} in chunks of ${size}`);
  }
});

test('not Go, cut short, hostile: nothing or a problem, never a crash', async () => {
  const app = readFileSync(bins.static);
  const magic = app.indexOf('\xff Go buildinf:', 'latin1');
  const cToolTrue = readFileSync('/usr/bin/true');
  const withFakeHeader = Buffer.concat([cToolTrue, Buffer.alloc(16 - (cToolTrue.length % 16)), Buffer.from('\xff Go buildinf:\x08\x02', 'latin1'), Buffer.from([5, 0x67, 0x6f, 0x31, 0x2e, 0x39, 0])]);
  const inv = await scanFiles(
    {
      'bin/true': exe(cToolTrue),
      'bin/script': exe(Buffer.from('#!/bin/sh\necho not an ELF file at all, but long enough to be scanned for build info\n'.repeat(3))),
      'bin/fake': exe(withFakeHeader),
      'bin/cut': exe(app.subarray(0, magic + 40)),
      'bin/head-only': exe(app.subarray(0, magic + 20)),
    },
    [analyzer],
  );
  assert.deepEqual(inv.packages, [], 'a header outside any writable segment is not build info');
  assert.deepEqual(
    inv.problems.map((p) => p.message).sort(),
    ['/bin/cut: its Go build info is cut short: the file is truncated', '/bin/head-only: its Go build info is cut short: the file is truncated'],
  );
});

test('an executable over the size limit is a problem, not read', async () => {
  const s = analyzer.consume?.({ ...header('huge', 0o755), size: MAX_BINARY + 1 });
  await s?.write(Buffer.alloc(10));
  assert.deepEqual(await s?.end(), { ok: false, message: `it is ${MAX_BINARY + 1} bytes, larger than the ${MAX_BINARY} Moat scans for Go build info; it was not read` });
});

test('module text: replacements, malformed lines; toolchain versions', () => {
  const r = parseModinfo('path\tx\nmod\tx\tv1.0.0\t\ndep\ta\tv1.0.0\th1:x\n=>\tb\tv2.0.0\th1:y\ndep\tc\n=>\td\tv1\ndep\t/evil//path\tv1\ndep\te\tv0.1.0\n=>\t/abs/dir\t(devel)\t\nbuild\tGOOS=linux\n');
  assert.deepEqual(r.modules, [{ path: 'x', version: 'v1.0.0' }, { path: 'b', version: 'v2.0.0' }, { path: 'e', version: 'v0.1.0' }]);
  assert.equal(r.problems.length, 3);
  assert.match(r.problems[0] ?? '', /malformed "dep" line/);
  assert.match(r.problems[1] ?? '', /replacement line with nothing to replace/);
  assert.match(r.problems[2] ?? '', /malformed "dep" line \("dep\\t\/evil\/\/path\\tv1"\)/);
  assert.equal(toolchainVersion('go1.22.3'), '1.22.3');
  assert.equal(toolchainVersion('go1.21rc2'), '1.21rc2');
  assert.equal(toolchainVersion('go1.20.4 X:boringcrypto'), '1.20.4');
  assert.equal(toolchainVersion('devel go1.23-abc123'), 'devel go1.23-abc123');
});
