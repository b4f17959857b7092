/** `moat lint` as a user runs it: exit codes, formats, --fix, and one-line errors. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMoat } from './support/moat-cli.ts';

let dir: string;

const moat = (args: string[], cwd = dir) => runMoat(args, { cwd });

const GOOD = 'FROM debian:12.8-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\nUSER 10001\nHEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\nCMD ["app"]\n';
const BAD = 'FROM ubuntu\nRUN curl -fsSL https://get.example.com | sh\nADD src /src\nCMD node app.js\n';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'moat-lint-cli-'));
  mkdirSync(join(dir, 'good'));
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'good', 'Dockerfile'), GOOD);
  writeFileSync(join(dir, 'bad', 'Dockerfile'), BAD);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('exit 0 for a clean Dockerfile, 1 at or above --fail-on, 0 with --fail-on none', async () => {
  assert.equal((await moat(['lint', 'good'])).code, 0);
  const bad = await moat(['lint', 'bad']);
  assert.equal(bad.code, 1);
  // Grouped by file: the path heads the section, rows give line:column.
  assert.match(bad.stdout, /\nbad\/Dockerfile\n {2}HIGH\s+dockerfile-curl-pipe-shell\s+-\s+curl output is piped into sh {2}at 2:5\n/);
  assert.equal((await moat(['lint', 'bad', '--fail-on', 'none'])).code, 0);
  assert.equal((await moat(['lint', 'bad', '--fail-on', 'critical'])).code, 0);
});

test('--checks and --skip take rule ids, peer-free CIS ids and sections', async () => {
  const r = await moat(['lint', 'bad', '--checks', '4.9', '-f', 'json']);
  const doc = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; command: string };
  assert.equal(doc.command, 'lint');
  assert.deepEqual([...new Set(doc.findings.map((f) => f.ruleId))], ['dockerfile-add-instead-of-copy']);
  assert.equal((await moat(['lint', 'bad', '--skip', 'dockerfile-curl-pipe-shell,dockerfile-user-missing'])).code, 0);
});

test('sarif output carries file locations', async () => {
  const r = await moat(['lint', '.', '-f', 'sarif']);
  const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] };
  const hit = log.runs[0]?.results.find((x) => x.ruleId === 'dockerfile-curl-pipe-shell');
  assert.deepEqual([hit?.locations[0]?.physicalLocation?.artifactLocation.uri, hit?.locations[0]?.physicalLocation?.region?.startLine], ['bad/Dockerfile', 2]);
});

test('--fix --dry-run prints a diff and writes nothing; --fix writes, then reports what is left', async () => {
  const copy = join(dir, 'fixme');
  mkdirSync(copy);
  writeFileSync(join(copy, 'Dockerfile'), BAD);
  const dry = await moat(['lint', 'fixme', '--fix', '--dry-run']);
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, /^-ADD src \/src$/m);
  assert.match(dry.stdout, /^\+COPY src \/src$/m);
  assert.match(dry.stdout, /^\+CMD \["node", "app\.js"\]$/m);
  assert.match(dry.stderr, /would make 2 fixes in 1 file/);
  assert.equal(readFileSync(join(copy, 'Dockerfile'), 'utf8'), BAD);
  const wet = await moat(['lint', 'fixme', '--fix', '-f', 'json', '--fail-on', 'none']);
  assert.equal(wet.code, 0);
  assert.match(readFileSync(join(copy, 'Dockerfile'), 'utf8'), /^COPY src \/src$/m);
  const left = (JSON.parse(wet.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
  assert.ok(!left.includes('dockerfile-add-instead-of-copy') && !left.includes('dockerfile-shell-form'));
  assert.ok(left.includes('dockerfile-curl-pipe-shell'));
});

test('a broken Dockerfile beside a good one: both in the report (the broken one under errors), exit 3', async () => {
  const broken = join(dir, 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'Dockerfile'), 'FROM x\nCOPY <<EOF /f\nno end\n');
  const r = await moat(['lint', 'broken', 'bad', '--format', 'json']);
  assert.equal(r.code, 3, 'incomplete, even with findings at or above --fail-on');
  const report = JSON.parse(r.stdout) as { errors: { message: string; location: object }[]; findings: { location?: { file?: string } }[] };
  assert.deepEqual(report.errors, [{ message: 'broken/Dockerfile:2:6: unterminated heredoc <<EOF: no line "EOF" closes it before the end of the file', location: { file: 'broken/Dockerfile', line: 2, column: 6 } }]);
  assert.ok(report.findings.some((f) => f.location?.file === 'bad/Dockerfile'), 'the readable file is linted');
  assert.deepEqual(r.stderr.trim().split('\n'), ['moat: error: broken/Dockerfile:2:6: unterminated heredoc <<EOF: no line "EOF" closes it before the end of the file']);
});

test('--fix beside a broken Dockerfile: the fixable one is fixed, the broken one is left as it is and reported, exit 3', async () => {
  const root = join(dir, 'fixmixed');
  mkdirSync(join(root, 'ok'), { recursive: true });
  mkdirSync(join(root, 'broken'));
  writeFileSync(join(root, 'ok', 'Dockerfile'), BAD);
  const broken = 'FROM x\nRUN <<EOF\nno end\n';
  writeFileSync(join(root, 'broken', 'Dockerfile'), broken);
  const r = await moat(['lint', 'fixmixed', '--fix', '-f', 'json', '--fail-on', 'none']);
  assert.equal(r.code, 3);
  assert.match(readFileSync(join(root, 'ok', 'Dockerfile'), 'utf8'), /^COPY src \/src$/m);
  assert.equal(readFileSync(join(root, 'broken', 'Dockerfile'), 'utf8'), broken);
  assert.deepEqual((JSON.parse(r.stdout) as { errors: { location: object }[] }).errors.map((e) => e.location), [{ file: 'fixmixed/broken/Dockerfile', line: 2, column: 5 }]);
});

test('usage errors exit 2: unknown flag, unknown check, missing path, --dry-run alone', async () => {
  for (const args of [['lint', '--bogus'], ['lint', '--checks', 'nope'], ['lint', 'does-not-exist'], ['lint', '--dry-run']]) {
    const r = await moat(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^moat: /);
  }
});
