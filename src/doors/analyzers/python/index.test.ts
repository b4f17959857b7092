import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzer, HEADER_LIMIT } from './index.ts';
import { parseMetadata, headerEnd } from './metadata.ts';
import { header, scanFiles } from '../test-support/files.ts';

const SITE = 'usr/lib/python3.11/site-packages';

test('want: dist-info METADATA, egg-info PKG-INFO (file or directory), eggs; nothing else', () => {
  for (const p of [`${SITE}/requests-2.31.0.dist-info/METADATA`, 'usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO', 'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info', 'opt/x/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO'])
    assert.equal(analyzer.want(header(p)), 'stream', p);
  for (const p of [`${SITE}/requests-2.31.0.dist-info/RECORD`, `${SITE}/requests/METADATA`, 'src/PKG-INFO', `${SITE}/.egg-info`]) assert.equal(analyzer.want(header(p)), undefined, p);
});

const METADATA = `Metadata-Version: 2.1
Name: PyYAML
Version: 6.0.1
Summary: YAML parser and emitter for Python
License: MIT
Classifier: License :: OSI Approved :: MIT License
Classifier: Programming Language :: Python

PyYAML is a YAML parser and emitter for Python.
Name: not-a-header
`;

test('distributions from every layout (sorted by name in code-unit order), names as written, licences from expression, field or classifiers', async () => {
  const inv = await scanFiles(
    {
      [`${SITE}/PyYAML-6.0.1.dist-info/METADATA`]: METADATA,
      [`${SITE}/typing_extensions-4.9.0.dist-info/METADATA`]: 'Metadata-Version: 2.4\r\nName: typing_extensions\r\nVersion: 4.9.0\r\nLicense-Expression: PSF-2.0\r\n\r\nbody',
      'usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO': 'Metadata-Version: 1.2\nName: six\nVersion: 1.16.0\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n',
      'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info': 'Metadata-Version: 1.1\nName: chardet\nVersion: 5.1.0\nLicense: Copyright (c) the authors\n  all rights reserved,\n  full text follows\n',
      'opt/venv/lib/python3.12/site-packages/foo-1.0-py3.12.egg/EGG-INFO/PKG-INFO': 'Name: foo\nVersion: 1.0\n',
    },
    [analyzer],
  );
  assert.deepEqual(
    inv.packages.map((p) => [p.name, p.version, p.licenses, p.purl, p.foundIn]),
    [
      ['PyYAML', '6.0.1', ['MIT', 'MIT License'], 'pkg:pypi/pyyaml@6.0.1', `${SITE}/PyYAML-6.0.1.dist-info/METADATA`],
      ['chardet', '5.1.0', undefined, 'pkg:pypi/chardet@5.1.0', 'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info'],
      ['foo', '1.0', undefined, 'pkg:pypi/foo@1.0', 'opt/venv/lib/python3.12/site-packages/foo-1.0-py3.12.egg/EGG-INFO/PKG-INFO'],
      ['six', '1.16.0', ['MIT License'], 'pkg:pypi/six@1.16.0', 'usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO'],
      ['typing_extensions', '4.9.0', ['PSF-2.0'], 'pkg:pypi/typing-extensions@4.9.0', `${SITE}/typing_extensions-4.9.0.dist-info/METADATA`],
    ],
  );
  assert.deepEqual(inv.problems, []);
});

test('a huge description is not read; a huge header block, no Name, a bad Version are problems', async () => {
  const inv = await scanFiles(
    {
      [`${SITE}/big-1.0.dist-info/METADATA`]: `Name: big\nVersion: 1.0\n\n${'x'.repeat(3 * HEADER_LIMIT)}`,
      [`${SITE}/hostile-1.0.dist-info/METADATA`]: `Name: hostile\nX: ${'y'.repeat(HEADER_LIMIT)}\n`,
      [`${SITE}/noname-1.0.dist-info/METADATA`]: 'Version: 1.0\n',
      [`${SITE}/badver-1.0.dist-info/METADATA`]: 'Name: badver\nVersion: 1.0 ; rm -rf\n',
      [`${SITE}/binary-1.0.dist-info/METADATA`]: Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 10]),
    },
    [analyzer],
  );
  assert.deepEqual(inv.packages.map((p) => `${p.name}@${p.version}`), ['big@1.0']);
  const messages = inv.problems.map((p) => p.message).sort();
  assert.equal(messages.length, 4);
  assert.match(messages[0] ?? '', /badver-1\.0\.dist-info\/METADATA: distribution badver has a malformed Version header/);
  assert.match(messages[1] ?? '', /binary-1\.0\.dist-info\/METADATA: it has no Name header/);
  assert.match(messages[2] ?? '', /hostile-1\.0\.dist-info\/METADATA: it is \d+ bytes, more than the 1048576 Moat reads/);
  assert.match(messages[3] ?? '', /noname-1\.0\.dist-info\/METADATA: it has no Name header/);
});

test('continuation lines and the end of the header block', () => {
  const r = parseMetadata(Buffer.from('Name: a\nVersion: 2\nLicense: BSD\n   but also MIT\nClassifier: License :: OSI Approved\n'));
  assert.deepEqual(r, { ok: true, value: { name: 'a', version: '2', licenses: [] } }, 'a multi-line License is text, not a name; a bare category is not a licence');
  assert.equal(headerEnd(Buffer.from('a: b\nc: d\n\nbody')), 10);
  assert.equal(headerEnd(Buffer.from('a: b\nc: d\n')), undefined);
});
