import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesMarkdown } from '../src/cli/commands/rules.ts';
import { allRules } from '../src/rules/index.ts';

const root = join(import.meta.dirname, '..');

test('docs/rules.md is generated from the current rule metadata (run `npm run docs`)', () => {
  assert.equal(readFileSync(join(root, 'docs/rules.md'), 'utf8'), rulesMarkdown(allRules));
});
