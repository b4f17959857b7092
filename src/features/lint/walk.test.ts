import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MoatError } from '../../util/errors.ts';
import { isDockerfileName } from './file-kinds.ts';
import { findFiles } from './walk.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'moat-walk-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('recognises Dockerfile names, and not BuildKit ignore files or editor leftovers', () => {
  for (const n of ['Dockerfile', 'dockerfile', 'Containerfile', 'api.Dockerfile', 'Dockerfile.prod', 'Containerfile.arm64']) assert.ok(isDockerfileName(n), n);
  for (const n of ['Dockerfile.dockerignore', 'Dockerfile.md', 'Dockerfile~', 'Dockerfile.swp', 'MyDockerfileNotes', 'dockerfiles']) assert.ok(!isDockerfileName(n), n);
});

test('walks a tree for every kind, honouring nested .gitignore and .dockerignore, never entering .git or following links', () => {
  const root = tree({
    'Dockerfile': 'FROM x',
    'services/api/api.Dockerfile': 'FROM x',
    'services/api/compose.yaml': 'services: {}',
    'services/api/docker-compose.override.yml': 'services: {}',
    'scripts/run.sh': 'docker run x',
    'scripts/Makefile': 'up:\n\tdocker run x\n',
    'build/Dockerfile': 'FROM x',
    'vendor/lib/Dockerfile': 'FROM x',
    'web/Dockerfile.dev': 'FROM x',
    'web/old/Dockerfile': 'FROM x',
    '.git/Dockerfile': 'FROM x',
    'notes.md': '',
    '.gitignore': 'build/\n',
    'web/.dockerignore': 'old\n',
    'vendor/.gitignore': '*\n',
  });
  try {
    symlinkSync(join(root, 'services'), join(root, 'loop'));
    const found = findFiles(['.'], root).map((f) => `${f.kind.id}:${f.display}`);
    assert.deepEqual(found, ['dockerfile:Dockerfile', 'makefile:scripts/Makefile', 'shell:scripts/run.sh', 'dockerfile:services/api/api.Dockerfile', 'compose:services/api/compose.yaml', 'compose:services/api/docker-compose.override.yml', 'dockerfile:web/Dockerfile.dev']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file named on the command line is taken whatever its name; a missing path is a usage error', () => {
  const root = tree({ 'build.docker': 'FROM x', 'a/Dockerfile': 'FROM x' });
  try {
    assert.deepEqual(findFiles(['build.docker', 'a', 'a/Dockerfile'], root).map((f) => `${f.kind.id}:${f.display}`), ['dockerfile:build.docker', 'dockerfile:a/Dockerfile']);
    assert.throws(() => findFiles(['nope'], root), (e: unknown) => e instanceof MoatError && e.kind === 'usage' && /nope: no such file or directory/.test(e.message));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
