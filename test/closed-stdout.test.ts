/**
 * `moat rules | head -1`: when the reader of stdout goes away Moat stops quietly with exit 0,
 * for every command, instead of an EPIPE stack trace and exit 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../src/knowledge/vuln/test-support/temp.ts';
import { ZipWriter } from '../src/knowledge/vuln/test-support/zip-writer.ts';
import { runMoat } from './support/moat-cli.ts';

const BIN = path.join(import.meta.dirname, '../src/cli/bin.ts');
const dir = tempDir('closed-stdout');
const env = { ...process.env, NO_COLOR: '1', MOAT_DB: path.join(dir, 'cache', 'osv.sqlite') };

/** Runs the CLI with a stdout pipe whose reading end is closed before Moat writes a byte. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

test.before(async () => {
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'Dockerfile'), 'FROM debian:12\nRUN curl -fsSL https://example.invalid/i.sh | sh\n');
  const zip = new ZipWriter(path.join(dir, 'all.zip'));
  for (let i = 0; i < 300; i++) zip.add(`GHSA-${i}.json`, JSON.stringify({ id: `GHSA-0000-0000-${String(i).padStart(4, '0')}`, modified: '2020-01-01T00:00:00Z', affected: [{ package: { ecosystem: `eco-${i}`, name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] }));
  zip.close();
  const imported = await runMoat(['db', 'import', 'all.zip'], { cwd: dir, env: { MOAT_DB: env.MOAT_DB } });
  assert.equal(imported.code, 0, imported.stderr);
});

for (const args of [['rules'], ['rules', '--format', 'markdown'], ['db', 'status'], ['lint', '--format', 'json', 'src'], ['lint', 'src'], ['--help']]) {
  test(`moat ${args.join(' ')} with stdout closed ends with exit 0 and nothing on stderr`, async () => {
    const r = await runWithClosedStdout(args);
    assert.equal(r.signal, null);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|at .*\(node:/, r.stderr);
    // lint finds `curl | sh` (exit 1 with stdout open); a reader that left asked for nothing more.
    assert.equal(r.code, 0, r.stderr);
  });
}

test('a real `| head -1` under pipefail: one line out, moat exits 0', () => {
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" rules | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
  assert.match(r.stderr, /^status 0\n$/, r.stderr);
});
