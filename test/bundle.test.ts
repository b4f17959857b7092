/**
 * The bundled CLI (dist/moat/, what bin/moat and the package's `bin` run) is built by
 * `npm run build` from the same sources the other tests run. These checks catch what only
 * bundling can break: files found relative to a module (package.json, the import worker,
 * tree-sitter's wasm) and lazily loaded commands.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bulkRecord } from '../src/knowledge/vuln/test-support/osv-generator.ts';
import { tempDir } from '../src/knowledge/vuln/test-support/temp.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin/moat');

function moat(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bin/moat runs the bundle, which npm run build made', () => {
  assert.ok(existsSync(join(root, 'dist/moat/bin.js')), 'dist/moat/bin.js is missing: npm test builds it before the tests run');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: { moat: string } };
  assert.equal(pkg.bin.moat, 'dist/moat/bin.js');
  assert.equal(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim(), `moat ${pkg.version}`);
});

test('the bundled import worker is found: moat db import and db status through bin/moat', () => {
  const dir = tempDir('bundle');
  const osv = join(dir, 'osv');
  mkdirSync(osv);
  for (const i of [1, 2, 3]) writeFileSync(join(osv, `r${i}.json`), JSON.stringify(bulkRecord(i)));
  const db = join(dir, 'osv.sqlite');
  const imported = moat(['db', 'import', '--db', db, osv], dir);
  assert.equal(imported.code, 0, imported.stderr);
  const status = moat(['db', 'status', '--db', db, '--format', 'json'], dir);
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { advisories: number }).advisories, 3);
});

test('the bundled lint parses shell with tree-sitter (its wasm is found from dist/moat/)', () => {
  const dir = tempDir('bundle');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:12\nRUN curl -fsSL https://example.com/i.sh | sh\nUSER app\n');
  const r = moat(['lint', '--format', 'json', '--fail-on', 'none', 'Dockerfile'], dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> };
  assert.ok(report.findings.some((f) => f.ruleId === 'dockerfile-curl-pipe-shell' || /pipe/.test(f.ruleId)), JSON.stringify(report.findings.map((f) => f.ruleId)));
});
