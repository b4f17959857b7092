import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzer } from './index.ts';
import { analyzer as osRelease } from '../os-release/index.ts';
import { analyze, header } from '../test-support/files.ts';

const INSTALLED = `C:Q1abc=
P:musl
V:1.2.5-r0
A:x86_64
S:407000
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
F:lib
R:ld-musl-x86_64.so.1

C:Q1def=
P:libcrypto3
V:3.3.2-r0
A:x86_64
L:Apache-2.0
o:openssl
F:usr/lib
R:libcrypto.so.3

P:noversion
A:x86_64
`;

test('apk packages with origin as source, licence, arch and purl', async () => {
  const inv = await analyze({ etc: null, 'etc/alpine-release': '3.20.3\n', 'lib/apk/db': null, 'lib/apk/db/installed': INSTALLED }, [osRelease, analyzer]);
  assert.deepEqual(
    inv.packages.map((p) => [p.name, p.version, p.source?.name, p.licenses, p.purl]),
    [
      ['libcrypto3', '3.3.2-r0', 'openssl', ['Apache-2.0'], 'pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3'],
      ['musl', '1.2.5-r0', 'musl', ['MIT'], 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3'],
    ],
  );
  assert.equal(inv.problems.length, 1);
  assert.match(inv.problems[0]?.message ?? '', /installed:21: a record has no V \(version\) line/);
});

test('no database, no packages and no problem; wants only the database', async () => {
  const inv = await analyze({ etc: null }, [analyzer]);
  assert.deepEqual(inv.packages, []);
  assert.deepEqual(inv.problems, []);
  assert.equal(analyzer.want(header('lib/apk/db/installed')), 'content');
  assert.equal(analyzer.want(header('lib/apk/db/scripts.tar')), undefined);
});
