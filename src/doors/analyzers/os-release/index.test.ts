import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzer, parseOsRelease } from './index.ts';
import { analyze, header } from '../test-support/files.ts';

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';

test('os-release through the etc symlink, as Debian ships it', async () => {
  const inv = await analyze({ etc: null, 'usr/lib': null, 'usr/lib/os-release': DEBIAN, 'etc/os-release': '-> ../usr/lib/os-release' }, [analyzer]);
  assert.deepEqual(inv.os, { id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)', idLike: [], foundIn: 'usr/lib/os-release' });
});

test('an absolute os-release symlink resolves inside the image, not on the host', async () => {
  const inv = await analyze({ etc: null, 'usr/lib': null, 'usr/lib/os-release': 'ID=alpine\nVERSION_ID=3.20.3\n', 'etc/os-release': '-> /usr/lib/os-release' }, [analyzer]);
  assert.equal(inv.os?.id, 'alpine');
  assert.equal(inv.os?.versionId, '3.20.3');
});

test('ID_LIKE is split, ID lower-cased, quotes and escapes removed', async () => {
  const kv = parseOsRelease('ID=Ubuntu\nID_LIKE="debian linux"\nPRETTY_NAME="Say \\"hi\\""\n# comment\nNAME=\'single\'\n');
  assert.equal(kv.get('PRETTY_NAME'), 'Say "hi"');
  assert.equal(kv.get('NAME'), 'single');
  const inv = await analyze({ etc: null, 'etc/os-release': 'ID=Ubuntu\nID_LIKE="debian linux"\nVERSION_ID="22.04"\n' }, [analyzer]);
  assert.equal(inv.os?.id, 'ubuntu');
  assert.deepEqual(inv.os?.idLike, ['debian', 'linux']);
});

test('alpine-release and debian_version when there is no os-release', async () => {
  assert.deepEqual((await analyze({ etc: null, 'etc/alpine-release': '3.19.1\n' }, [analyzer])).os, { id: 'alpine', versionId: '3.19.1', prettyName: 'Alpine Linux v3.19.1', idLike: [], foundIn: 'etc/alpine-release' });
  assert.equal((await analyze({ etc: null, 'etc/debian_version': '12.5\n' }, [analyzer])).os?.versionId, '12');
  assert.equal((await analyze({ etc: null, 'etc/debian_version': 'trixie/sid\n' }, [analyzer])).os?.versionId, undefined);
});

test('distroless: only dpkg status.d, the OS comes from base-files', async () => {
  const inv = await analyze({ 'var/lib/dpkg/status.d': null, 'var/lib/dpkg/status.d/libc6': 'Package: libc6\nVersion: 2.36-9+deb12u4\n', 'var/lib/dpkg/status.d/base-files': 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n' }, [analyzer]);
  assert.equal(inv.os?.id, 'debian');
  assert.equal(inv.os?.versionId, '12');
  assert.equal(inv.os?.foundIn, 'var/lib/dpkg/status.d/base-files');
});

test('no release file: no OS, and an os-release without ID is a problem', async () => {
  assert.equal((await analyze({ bin: null }, [analyzer])).os, undefined);
  const inv = await analyze({ etc: null, 'etc/os-release': 'NAME=nothing\n' }, [analyzer]);
  assert.equal(inv.os, undefined);
  assert.match(inv.problems[0]?.message ?? '', /no ID= line/);
});

test('wants only release files, decided from the path', () => {
  assert.equal(analyzer.want(header('etc/os-release')), 'content');
  assert.equal(analyzer.want(header('usr/lib/os-release')), 'content');
  assert.equal(analyzer.want(header('etc/passwd')), undefined);
  assert.equal(analyzer.want(header('var/lib/dpkg/status.d/base-files.md5sums')), undefined);
});
