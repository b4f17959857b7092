/**
 * Issue 12 item 7: `moat lint --run`, `moat lint -` (kind detected or `--kind`), and every
 * finding's peer codes and bare CIS id in each format, through the CLI as a user runs it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSchema, FINDING_SCHEMA_URL, readJson } from '../src/report/test-support/ajv.ts';
import { runMoat } from './support/moat-cli.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'moat-lint-surfaces-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Doc {
  target: { description: string };
  findings: { ruleId: string; location?: { file?: string; line?: number; column?: number }; cis?: { id: string; benchmark: string }; peers?: Record<string, string | string[]>; references: { cis?: string[] } }[];
}

const DOCKERFILE = 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n';

test('--run lints a docker run line: findings located in the line, exit 1 at --fail-on', async () => {
  const r = await runMoat(['lint', '--run', 'docker run -d --privileged --pid=host alpine:3.20', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as Doc;
  assert.equal(doc.target.description, '1 docker run line in --run');
  const privileged = doc.findings.find((f) => f.ruleId === 'container-privileged');
  assert.deepEqual(privileged?.location, { file: '--run', line: 1, column: 15 });
  assert.ok(doc.findings.some((f) => f.ruleId === 'container-host-pid'));
});

test('--run with no docker command is a usage error (exit 2), not a clean pass', async () => {
  const r = await runMoat(['lint', '--run', 'ls -la'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^moat: --run: no docker run or docker create command in "ls -la"/);
});

test('- reads standard input: a Dockerfile, a compose file and a script are told apart by their content', async () => {
  const cases: [string, string, RegExp][] = [
    [DOCKERFILE, 'dockerfile-apt-unpinned', /^1 Dockerfile in -$/],
    ['services:\n  web:\n    image: nginx:1.27\n    privileged: true\n', 'container-privileged', /^1 compose file in -$/],
    ['#!/bin/sh\nset -e\ndocker run --network host myorg/api:1\n', 'container-host-network', /^1 shell script in -$/],
  ];
  for (const [input, rule, description] of cases) {
    const r = await runMoat(['lint', '-', '--format', 'json', '--fail-on', 'none'], { cwd: dir, input });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.match(doc.target.description, description);
    assert.ok(
      doc.findings.some((f) => f.ruleId === rule && f.location?.file === '-'),
      `${rule} in ${JSON.stringify(doc.findings.map((f) => f.ruleId))}`,
    );
  }
});

test('--kind says what standard input holds when its content cannot; an unknown kind and an undetectable input are usage errors', async () => {
  const text = 'echo hello\n';
  const undetected = await runMoat(['lint', '-'], { cwd: dir, input: text });
  assert.equal(undetected.code, 2);
  assert.match(undetected.stderr, /cannot tell what standard input holds.*--kind dockerfile\|compose\|script/);
  // Read as a Dockerfile, the same text is a RUN instruction (of a Dockerfile without FROM).
  const asDockerfile = await runMoat(['lint', '-', '--kind', 'dockerfile', '--format', 'json', '--fail-on', 'none'], { cwd: dir, input: 'FROM debian:12\nRUN sudo make install\n' });
  assert.equal(asDockerfile.code, 0, asDockerfile.stderr);
  assert.ok((JSON.parse(asDockerfile.stdout) as Doc).findings.some((f) => f.ruleId === 'dockerfile-sudo'));
  const unknown = await runMoat(['lint', '-', '--kind', 'helm'], { cwd: dir, input: text });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown --kind "helm"/);
  const kindWithoutStdin = await runMoat(['lint', '.', '--kind', 'compose'], { cwd: dir });
  assert.equal(kindWithoutStdin.code, 2);
});

test('findings carry peer codes and a bare CIS id beside the text, in JSON (schema-valid), SARIF, HTML and the table', async () => {
  const r = await runMoat(['lint', '-', '--format', 'json', '--fail-on', 'none'], { cwd: dir, input: DOCKERFILE });
  const doc = JSON.parse(r.stdout) as Doc;
  const validate = compileSchema(readJson(FINDING_SCHEMA_URL) as object);
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 1));
  const unpinned = doc.findings.find((f) => f.ruleId === 'dockerfile-apt-unpinned');
  assert.deepEqual(unpinned?.peers, { hadolint: 'DL3008' });
  const user = doc.findings.find((f) => f.ruleId === 'dockerfile-user-missing');
  assert.deepEqual(user?.cis, { id: '4.1', benchmark: 'CIS Docker Benchmark v1.8.0' });
  assert.deepEqual(user?.references.cis, ['CIS Docker Benchmark v1.8.0 4.1'], 'the text form stays');

  const sarif = JSON.parse((await runMoat(['lint', '-', '--format', 'sarif', '--fail-on', 'none'], { cwd: dir, input: DOCKERFILE })).stdout) as {
    runs: { tool: { driver: { rules: { id: string; properties: { tags: string[]; cis?: string; peers?: object } }[] } }; results: { ruleId: string; properties: { cis?: string; peers?: object } }[] }[];
  };
  const rule = sarif.runs[0]?.tool.driver.rules.find((x) => x.id === 'dockerfile-apt-unpinned');
  assert.ok(rule?.properties.tags.includes('hadolint/DL3008'), JSON.stringify(rule?.properties));
  assert.deepEqual(rule?.properties.peers, { hadolint: 'DL3008' });
  const result = sarif.runs[0]?.results.find((x) => x.ruleId === 'dockerfile-user-missing');
  assert.equal(result?.properties.cis, '4.1');

  const html = (await runMoat(['lint', '-', '--format', 'html', '--fail-on', 'none'], { cwd: dir, input: DOCKERFILE })).stdout;
  assert.match(html, /<dt>Also known as<\/dt><dd class="peers">hadolint <code>DL3008<\/code><\/dd>/);

  const table = (await runMoat(['lint', '-', '--fail-on', 'none'], { cwd: dir, input: DOCKERFILE, env: { COLUMNS: '200' } })).stdout;
  assert.match(table, /\n {2}LOW +dockerfile-apt-unpinned +DL3008 +apt-get install without a version for curl {2}at 2:42\n/);
  assert.match(table, /\n {2}HIGH +dockerfile-user-missing +4\.1 +the final stage/);
});
