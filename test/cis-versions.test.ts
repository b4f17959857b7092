/**
 * --benchmark through the built CLI: the version named in the report, the finding ids
 * numbered in it, --checks by its ids, `moat rules` with every version's id, bad values.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSchema, FINDING_SCHEMA_URL, readJson } from '../src/report/test-support/ajv.ts';
import { runMoat } from './support/moat-cli.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'moat-cis-versions-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// No USER: 4.1 in every version.
const DOCKERFILE = 'FROM debian:12\nCMD ["sleep", "1"]\n';

interface Doc {
  benchmark?: string;
  findings: { ruleId: string; cis?: { id: string; benchmark: string }; references: { cis?: string[] } }[];
}

test('lint names v1.8.0 by default and the version --benchmark asks for, in the JSON (schema-valid) and the table header', async () => {
  const validate = compileSchema(readJson(FINDING_SCHEMA_URL) as object);
  for (const [args, title] of [[[], 'CIS Docker Benchmark v1.8.0'], [['--benchmark', 'cis-1.6.0'], 'CIS Docker Benchmark v1.6.0'], [['--benchmark', 'cis-1.7.0'], 'CIS Docker Benchmark v1.7.0']] as const) {
    const r = await runMoat(['lint', '-', '--format', 'json', '--fail-on', 'none', ...args], { cwd: dir, input: DOCKERFILE });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 1));
    assert.equal(doc.benchmark, title);
    const user = doc.findings.find((f) => f.ruleId === 'dockerfile-user-missing');
    assert.deepEqual(user?.cis, { id: '4.1', benchmark: title });
    assert.deepEqual(user?.references.cis, [`${title} 4.1`]);
    const table = await runMoat(['lint', '-', '--fail-on', 'none', ...args], { cwd: dir, input: DOCKERFILE });
    assert.match(table.stdout.split('\n')[1] ?? '', new RegExp(`\\(moat [^,]+, ${title.replace(/\./g, '\\.')}\\)`));
  }
});

test('moat.yaml benchmark: applies to lint, and --benchmark wins over it', async () => {
  const project = mkdtempSync(join(dir, 'project-'));
  writeFileSync(join(project, 'moat.yaml'), 'benchmark: cis-1.7.0\n');
  const fromFile = JSON.parse((await runMoat(['lint', '-', '--format', 'json', '--fail-on', 'none'], { cwd: project, input: DOCKERFILE })).stdout) as Doc;
  assert.equal(fromFile.benchmark, 'CIS Docker Benchmark v1.7.0');
  const fromFlag = JSON.parse((await runMoat(['lint', '-', '--format', 'json', '--fail-on', 'none', '--benchmark', 'cis-1.6.0'], { cwd: project, input: DOCKERFILE })).stdout) as Doc;
  assert.equal(fromFlag.benchmark, 'CIS Docker Benchmark v1.6.0');
});

test('an unknown --benchmark is a usage error naming the choices, on every command that takes it', async () => {
  for (const cmd of [['lint', '-'], ['audit'], ['scan', 'debian:12'], ['rules']]) {
    const r = await runMoat([...cmd, '--benchmark', 'cis-1.5.0'], { cwd: dir, input: DOCKERFILE });
    assert.equal(r.code, 2, `${cmd.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /unknown --benchmark "cis-1\.5\.0": use one of cis-1\.6\.0, cis-1\.7\.0, cis-1\.8\.0/);
  }
});

test('moat rules shows every version\'s id for each rule; --format json numbers in --benchmark', async () => {
  const r = await runMoat(['rules'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const row = (id: string): string[] => (r.stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? '').trim().split(/\s+/).slice(1, 4);
  assert.match(r.stdout.split('\n')[0] ?? '', /^RULE\s+1\.6\.0\s+1\.7\.0\s+1\.8\.0\s+SEVERITY\s+TITLE$/);
  assert.deepEqual(row('daemon-tls'), ['2.7', '2.7', '2.8']);
  assert.deepEqual(row('daemon-devicemapper'), ['-', '-', '2.7']);
  assert.deepEqual(row('host-audit-docker-socket'), ['1.1.9', '-', '-']);
  assert.deepEqual(row('container-privileged'), ['5.5', '5.5', '5.5']);
  const json = (b: string) => runMoat(['rules', '--format', 'json', '--benchmark', b], { cwd: dir }).then((x) => JSON.parse(x.stdout) as { id: string; cis?: { id: string; benchmark?: string } }[]);
  const v16 = await json('cis-1.6.0');
  assert.deepEqual(v16.find((m) => m.id === 'daemon-tls')?.cis, { id: '2.7', automated: true, benchmark: 'cis-1.6.0' });
  assert.equal(v16.find((m) => m.id === 'daemon-devicemapper')?.cis, undefined);
  const v18 = await json('cis-1.8.0');
  assert.equal(v18.find((m) => m.id === 'daemon-tls')?.cis?.id, '2.8');
});
