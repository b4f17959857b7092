import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzer, MANIFEST_LIMIT, parseManifest } from './index.ts';
import { header, scanFiles } from '../test-support/files.ts';

const pj = (o: object): string => JSON.stringify(o);

test('want: manifests of installed packages only, at any depth, scoped or not', () => {
  const yes = [
    'app/node_modules/express/package.json',
    'node_modules/@babel/core/package.json',
    'usr/lib/node_modules/npm/node_modules/semver/package.json',
    'app/node_modules/a/node_modules/b/package.json',
    'app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json',
  ];
  const no = [
    'app/package.json',
    'app/node_modules/express/lib/package.json',
    'app/node_modules/.bin/package.json',
    'app/node_modules/.package-lock.json',
    'app/node_modules/@scope/package.json',
    'app/node_modules/express/package.json.bak',
    'app/packages/x/package.json',
  ];
  for (const p of yes) assert.equal(analyzer.want(header(p)), 'stream', p);
  for (const p of no) assert.equal(analyzer.want(header(p)), undefined, p);
});

test('names, versions, licences (all three forms) and purls, each copy with its path', async () => {
  const inv = await scanFiles(
    {
      'app/package.json': pj({ name: 'my-app', version: '1.0.0', dependencies: { express: '^4' } }),
      'app/node_modules/express/package.json': pj({ name: 'express', version: '4.18.2', license: 'MIT' }),
      'app/node_modules/@babel/core/package.json': pj({ name: '@babel/core', version: '7.24.0', license: { type: 'MIT', url: 'x' } }),
      'app/node_modules/old/package.json': pj({ name: 'old', version: '0.1.0', licenses: [{ type: 'BSD' }, { type: 'GPL-2.0' }] }),
      'app/node_modules/old/node_modules/express/package.json': pj({ name: 'express', version: '3.0.0' }),
      // An alias: npm install foo@npm:bar puts bar under node_modules/foo.
      'app/node_modules/foo/package.json': pj({ name: 'bar', version: '2.0.0' }),
      'app/node_modules/express/lib/package.json': pj({ type: 'module' }),
      // A workspace link is the project's own code.
      'app/packages/ws/package.json': pj({ name: 'ws-pkg', version: '0.0.1' }),
      'app/node_modules/ws-pkg': '-> ../packages/ws',
    },
    [analyzer],
  );
  assert.deepEqual(
    inv.packages.map((p) => [p.name, p.version, p.licenses, p.purl, p.foundIn, p.analyzer]),
    [
      ['@babel/core', '7.24.0', ['MIT'], 'pkg:npm/%40babel/core@7.24.0', 'app/node_modules/@babel/core/package.json', 'npm@1'],
      ['bar', '2.0.0', undefined, 'pkg:npm/bar@2.0.0', 'app/node_modules/foo/package.json', 'npm@1'],
      ['express', '3.0.0', undefined, 'pkg:npm/express@3.0.0', 'app/node_modules/old/node_modules/express/package.json', 'npm@1'],
      ['express', '4.18.2', ['MIT'], 'pkg:npm/express@4.18.2', 'app/node_modules/express/package.json', 'npm@1'],
      ['old', '0.1.0', ['BSD', 'GPL-2.0'], 'pkg:npm/old@0.1.0', 'app/node_modules/old/package.json', 'npm@1'],
    ],
  );
  assert.deepEqual(inv.problems, []);
});

test('hostile and broken manifests are problems with their path, never a crash', async () => {
  const inv = await scanFiles(
    {
      'n/node_modules/truncated/package.json': '{"name": "truncated", "vers',
      'n/node_modules/array/package.json': '[1,2]',
      'n/node_modules/noversion/package.json': pj({ name: 'noversion' }),
      'n/node_modules/badname/package.json': pj({ name: '../../etc/passwd', version: '1.0.0' }),
      'n/node_modules/huge/package.json': `{"name":"huge","version":"1.0.0","x":"${'a'.repeat(MANIFEST_LIMIT)}"}`,
      'n/node_modules/bom/package.json': `\uFEFF${pj({ name: 'bom', version: '1.2.3' })}`,
    },
    [analyzer],
  );
  assert.deepEqual(inv.packages.map((p) => `${p.name}@${p.version}`), ['bom@1.2.3']);
  const byPath = Object.fromEntries(inv.problems.map((p) => [p.path, p.message]));
  assert.match(byPath['n/node_modules/truncated/package.json'] ?? '', /^\/n\/node_modules\/truncated\/package\.json: it is not valid JSON/);
  assert.match(byPath['n/node_modules/array/package.json'] ?? '', /not a JSON object/);
  assert.match(byPath['n/node_modules/noversion/package.json'] ?? '', /package noversion has no "version"/);
  assert.match(byPath['n/node_modules/badname/package.json'] ?? '', /is not an npm package name/);
  assert.match(byPath['n/node_modules/huge/package.json'] ?? '', /more than the 1048576 Moat reads/);
  assert.equal(inv.problems.length, 5);
});

test('parseManifest keeps the version as written, trimmed', () => {
  assert.deepEqual(parseManifest(Buffer.from(pj({ name: 'JSONStream', version: ' 1.3.5 ' }))), { ok: true, value: { name: 'JSONStream', version: '1.3.5', licenses: [] } });
});
