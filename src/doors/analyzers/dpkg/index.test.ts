import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzer } from './index.ts';
import { analyzer as osRelease } from '../os-release/index.ts';
import { analyze, header } from '../test-support/files.ts';
import { parseControl, sourceOf } from './control.ts';

const OS = { etc: null, 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n' };

const STATUS = `Package: libssl3
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.15-1~deb12u1
Description: Secure Sockets Layer toolkit
 This package is part of the OpenSSL project's implementation.
 .
 It contains libraries.

Package: bsdutils
Status: install ok installed
Architecture: amd64
Source: util-linux (2.38.1-5+deb12u3)
Version: 1:2.38.1-5+deb12u3

Package: removed-but-configured
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0

Package: purged
Status: purge ok not-installed
Architecture: amd64

Package: broken-install
Status: install reinstreq half-installed
Architecture: amd64
Version: 2.0

Package: unpacked-only
Status: install ok unpacked
Architecture: amd64
Version: 3.0
`;

test('installed packages with source name and version; removed, purged and half-installed dropped', async () => {
  const inv = await analyze({ ...OS, 'var/lib/dpkg': null, 'var/lib/dpkg/status': STATUS }, [osRelease, analyzer]);
  assert.deepEqual(
    inv.packages.map((p) => [p.name, p.version, p.source?.name, p.source?.version, p.arch, p.purl, p.foundIn, p.analyzer]),
    [
      ['bsdutils', '1:2.38.1-5+deb12u3', 'util-linux', '2.38.1-5+deb12u3', 'amd64', 'pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u3?arch=amd64&distro=debian-12', 'var/lib/dpkg/status', 'dpkg@2'],
      ['libssl3', '3.0.15-1~deb12u1', 'openssl', '3.0.15-1~deb12u1', 'amd64', 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12', 'var/lib/dpkg/status', 'dpkg@2'],
      ['unpacked-only', '3.0', 'unpacked-only', '3.0', 'amd64', 'pkg:deb/debian/unpacked-only@3.0?arch=amd64&distro=debian-12', 'var/lib/dpkg/status', 'dpkg@2'],
    ],
  );
  assert.deepEqual(inv.problems, []);
});

test('distroless status.d files (no Status field) and md5sums ignored', async () => {
  const inv = await analyze(
    {
      'var/lib/dpkg/status.d': null,
      'var/lib/dpkg/status.d/base-files': 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n',
      'var/lib/dpkg/status.d/base-files.md5sums': 'd41d8cd98f00b204e9800998ecf8427e  etc/issue\n',
      'var/lib/dpkg/status.d/tzdata': 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n',
    },
    [osRelease, analyzer],
  );
  assert.deepEqual(inv.packages.map((p) => `${p.name}@${p.version} ${p.foundIn}`), ['base-files@12.4+deb12u5 var/lib/dpkg/status.d/base-files', 'tzdata@2024a-0+deb12u1 var/lib/dpkg/status.d/tzdata']);
  assert.equal(inv.os?.id, 'debian', 'the OS comes from base-files');
  assert.match(inv.packages[0]?.purl ?? '', /distro=debian-12$/);
});

test('Ubuntu packages get the ubuntu namespace', async () => {
  const inv = await analyze({ etc: null, 'etc/os-release': 'ID=ubuntu\nVERSION_ID="24.04"\nID_LIKE=debian\n', 'var/lib/dpkg': null, 'var/lib/dpkg/status': 'Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.21-2ubuntu4\n' }, [osRelease, analyzer]);
  assert.equal(inv.packages[0]?.purl, 'pkg:deb/ubuntu/bash@5.2.21-2ubuntu4?arch=amd64&distro=ubuntu-24.04');
});

test('malformed paragraphs are located problems, not crashes or silent gaps', async () => {
  const inv = await analyze({ 'var/lib/dpkg': null, 'var/lib/dpkg/status': 'Package: ok\nStatus: install ok installed\nVersion: 1\n\nStatus: install ok installed\nVersion: 2\n\nPackage: noversion\nStatus: install ok installed\n\ngarbage line\n' }, [analyzer]);
  assert.deepEqual(inv.packages.map((p) => p.name), ['ok']);
  assert.deepEqual(inv.problems.map((p) => p.message), [
    '/var/lib/dpkg/status: line 11: "garbage line" is not a "Field: value" line',
    '/var/lib/dpkg/status:5: a paragraph has no Package field; it was skipped',
    '/var/lib/dpkg/status:8: package noversion has no Version field; it was skipped',
  ]);
});

test('a status file whose content was not kept is a problem naming it', async () => {
  const { filesOf } = await import('../test-support/files.ts');
  const { runAnalyzers } = await import('../run.ts');
  const files = filesOf({ 'var/lib/dpkg': null, 'var/lib/dpkg/status': 'Package: x\nVersion: 1\n' });
  files.releaseContents();
  const inv = await runAnalyzers(files, [analyzer]);
  assert.deepEqual(inv.packages, []);
  assert.match(inv.problems[0]?.message ?? '', /content of \/var\/lib\/dpkg\/status was released/);
});

test('control parsing: continuation lines, CRLF, Source forms', () => {
  const { paragraphs } = parseControl('Package: a\r\nDescription: one\r\n two\r\n\r\n');
  assert.equal(paragraphs[0]?.fields.get('description'), 'one\ntwo');
  const f = (src?: string) => new Map(src === undefined ? [] : [['source', src]]);
  assert.deepEqual(sourceOf(f(), 'bin', '1.0'), { name: 'bin', version: '1.0' });
  assert.deepEqual(sourceOf(f('src'), 'bin', '1.0'), { name: 'src', version: '1.0' });
  assert.deepEqual(sourceOf(f('src (0.9-1)'), 'bin', '1.0'), { name: 'src', version: '0.9-1' });
});

test('wants the status database and status.d files as content, and file lists as a stream', () => {
  assert.equal(analyzer.want(header('var/lib/dpkg/status')), 'content');
  assert.equal(analyzer.want(header('var/lib/dpkg/status.d/libc6')), 'content');
  assert.equal(analyzer.want(header('var/lib/dpkg/status.d/libc6.md5sums')), undefined);
  assert.equal(analyzer.want(header('var/lib/dpkg/status-old')), undefined);
  assert.equal(analyzer.want(header('var/lib/dpkg/info/libc6.list')), 'stream');
  assert.equal(analyzer.want(header('var/lib/dpkg/info/libc6.md5sums')), undefined);
});

test('file lists keep only the lines that could prove a language package, across chunk boundaries', async () => {
  const { proofLines } = await import('./index.ts');
  const c = proofLines();
  const text = '/.\n/usr/lib/python3/dist-packages/yaml\n/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA\n/usr/share/java/x.jar\n/usr/bin/x\n/usr/share/nodejs/y/package.json';
  for (let i = 0; i < text.length; i += 7) c.write(Buffer.from(text.slice(i, i + 7)));
  assert.deepEqual(await c.end(), ['/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', '/usr/share/java/x.jar', '/usr/share/nodejs/y/package.json']);
});
