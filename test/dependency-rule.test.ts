/**
 * The dependency rule (.dependency-cruiser.cjs, docs/architecture.md) is checked on the real
 * tree by `npm run deps` in `npm test`. These cases prove the check can fail: a tree with an
 * upward import, a cycle and a product module that reaches for test-support, each named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

function cruise(files: Record<string, string>): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'moat-deps-'));
  try {
    copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', allowImportingTsExtensions: true, noEmit: true } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(depcruise, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a downward tree passes', () => {
  const r = cruise({
    'src/util/a.ts': 'export const a = 1;\n',
    'src/models/m.ts': "import { a } from '../util/a.ts';\nexport const m = a;\n",
    'src/features/f.ts': "import { m } from '../models/m.ts';\nexport const f = m;\n",
  });
  assert.equal(r.code, 0, r.out);
});

test('an import against the layers fails and names the import', () => {
  const r = cruise({
    'src/features/audit.ts': 'export const audit = 1;\n',
    'src/models/spec.ts': "import { audit } from '../features/audit.ts';\nexport const spec = audit;\n",
  });
  assert.notEqual(r.code, 0);
  assert.match(r.out, /layer-models: src\/models\/spec\.ts → src\/features\/audit\.ts/);
});

test('a rule that reads a door instead of a model fails: doors and knowledge stand side by side', () => {
  const r = cruise({
    'src/doors/host/paths.ts': 'export const SOCKET = "/run/docker.sock";\n',
    'src/knowledge/rules/socket.ts': "import { SOCKET } from '../../doors/host/paths.ts';\nexport const rule = SOCKET;\n",
  });
  assert.notEqual(r.code, 0);
  assert.match(r.out, /layer-knowledge: src\/knowledge\/rules\/socket\.ts → src\/doors\/host\/paths\.ts/);
});

test('a cycle fails and names its modules', () => {
  const r = cruise({
    'src/doors/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
    'src/doors/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
  });
  assert.notEqual(r.code, 0);
  assert.match(r.out, /no-cycle: src\/doors\/a\.ts/);
});

test('product code importing test-support fails', () => {
  const r = cruise({
    'src/knowledge/test-support/fixture.ts': 'export const fixture = 1;\n',
    'src/knowledge/rule.ts': "import { fixture } from './test-support/fixture.ts';\nexport const rule = fixture;\n",
  });
  assert.notEqual(r.code, 0);
  assert.match(r.out, /no-test-code-in-product: src\/knowledge\/rule\.ts → src\/knowledge\/test-support\/fixture\.ts/);
});
