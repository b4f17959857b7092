import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { allAnalyzers } from './index.ts';

const here = import.meta.dirname;

test('the analyzer index lists exactly the folders of src/doors/analyzers/', () => {
  const folders = readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'test-support')
    .map((d) => d.name)
    .sort();
  assert.deepEqual(allAnalyzers.map((a) => a.name).sort(), folders);
});

test('every analyzer has a kebab-case name, a whole-number version and tests beside it', () => {
  const names = new Set<string>();
  for (const a of allAnalyzers) {
    assert.match(a.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(Number.isInteger(a.version) && a.version >= 1, `${a.name}: version ${a.version}`);
    assert.ok(!names.has(a.name), `${a.name}: duplicate`);
    names.add(a.name);
    assert.ok(existsSync(join(here, a.name, 'index.test.ts')), `${a.name}: missing ${a.name}/index.test.ts`);
    assert.ok(a.kind === 'os' || a.kind === 'packages');
  }
});
