import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from '../../../bench/dockerfile-corpus.ts';
import { lint } from './lint.ts';

test('every Dockerfile of the benchmark corpus lints, and the findings are the expected kinds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-corpus-'));
  try {
    const corpus = generateCorpus(120);
    for (const f of corpus) writeFileSync(join(dir, f.name), f.text);
    const report = await lint({ paths: [dir], cwd: dir });
    assert.match(report.target.description, /^120 Dockerfiles in /);
    assert.equal(report.checks.filter((c) => c.status === 'error').length, 0);
    const rules = new Set(report.findings.map((f) => f.ruleId));
    for (const expected of ['dockerfile-base-latest', 'dockerfile-apt-recommends', 'dockerfile-curl-pipe-shell', 'dockerfile-shell-form', 'dockerfile-last-user-root', 'dockerfile-expose-ssh']) assert.ok(rules.has(expected), expected);
    // The corpus's heredoc scripts are parsed as shell: the useradd inside one is seen.
    assert.ok(!report.findings.some((f) => f.ruleId === 'dockerfile-user-missing' && f.subject.name?.includes('-debian')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
