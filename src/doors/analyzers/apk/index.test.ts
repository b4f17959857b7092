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

test('a language package whose proving file an apk package installed is folded into it; others stay', async () => {
  const { analyzer: python } = await import('../python/index.ts');
  const { scanFiles } = await import('../test-support/files.ts');
  const db = 'P:py3-six\nV:1.16.0-r9\nA:noarch\no:py3-six\nF:usr/lib/python3.12/site-packages/six-1.16.0.dist-info\nR:METADATA\nR:RECORD\n\n';
  const meta = (n: string, v: string) => `Metadata-Version: 2.1\nName: ${n}\nVersion: ${v}\n\n`;
  const inv = await scanFiles(
    {
      'etc/alpine-release': '3.20.3\n',
      'lib/apk/db/installed': db,
      'usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA': meta('six', '1.16.0'),
      'app/venv/lib/python3.12/site-packages/requests-2.32.0.dist-info/METADATA': meta('requests', '2.32.0'),
    },
    [osRelease, analyzer, python],
  );
  assert.deepEqual(inv.packages.map((p) => `${p.type}:${p.name}`), ['apk:py3-six', 'pypi:requests']);
  assert.deepEqual(inv.folded, [{ purl: 'pkg:pypi/six@1.16.0', foundIn: 'usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA', ownedBy: 'apk:py3-six' }]);
  assert.equal(analyzer.version, 2);
});
