/**
 * Issue 11, lint on hostile input: a Dockerfile of 200,000 lines lints in time and memory
 * that follow its size, and its report stays bounded (one rule lists 1,000 findings a file,
 * then counts the rest).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lint, MAX_FINDINGS_PER_RULE } from './lint.ts';

test('200,000 RUN lines: linted, bounded findings, the rest counted', { timeout: 300_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'moat-hostile-size-'));
  try {
    const text = ['FROM debian:12', ...Array.from({ length: 200_000 }, (_, i) => `RUN echo line ${i}`)].join('\n') + '\n';
    writeFileSync(join(root, 'Dockerfile'), text);
    const cpu = process.cpuUsage();
    const report = await lint({ paths: ['.'], cwd: root });
    const used = process.cpuUsage(cpu);
    const seconds = (used.user + used.system) / 1e6;
    assert.equal(report.errors, undefined);
    const consecutive = report.findings.filter((f) => f.ruleId === 'dockerfile-run-consecutive');
    assert.equal(consecutive.length, MAX_FINDINGS_PER_RULE + 1);
    assert.match(consecutive.at(-1)?.message ?? '', /^… and 198,999 more findings of this rule in Dockerfile, from here on/);
    assert.deepEqual(consecutive.at(-1)?.location, { file: 'Dockerfile', line: 1003, column: 1 }, 'the 1,001st finding (the first RUN has none: it follows FROM)');
    assert.ok(report.findings.length < 2 * MAX_FINDINGS_PER_RULE + 10, `${report.findings.length} findings`);
    // Was 42 s of one core before; the bound leaves room for a loaded machine.
    assert.ok(seconds < 60, `${seconds.toFixed(1)} s of CPU`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
