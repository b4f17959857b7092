/**
 * The CLI as a user runs it, against the real engine: exit codes and one-line errors for
 * every kind of bad input the audit issue lists.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA_VERSION } from '../src/report/model.ts';
import { startSeveringProxy } from './support/severing-proxy.ts';
import { runMoat, type Run } from './support/moat-cli.ts';
import { TestContainers, ensureTestImages, HARDENED_FLAGS } from './support/engine.ts';

let dir: string;
const containers = new TestContainers('cli');

function moat(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; prefix?: string[] } = {}): Promise<Run> {
  return runMoat(args, { ...opts, cwd: opts.cwd ?? dir });
}

/** One line, no stack trace, starting with `moat:`. */
function assertOneLineError(r: Run, pattern: RegExp): void {
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0] ?? '', /^moat: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '', 'nothing on stdout: no partial report');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'moat-cli-'));
  await ensureTestImages();
});
after(async () => {
  await containers.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('--help and --version succeed', async () => {
  const help = await moat(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /moat <command>/);
  const auditHelp = await moat(['audit', '--help']);
  assert.equal(auditHelp.code, 0);
  assert.match(auditHelp.stdout, /Exit codes/);
  const version = await moat(['--version']);
  assert.match(version.stdout, /^moat \d+\.\d+\.\d+/);
});

test('an unknown command or flag is a usage error (exit 2)', async () => {
  const r1 = await moat(['audti']);
  assert.equal(r1.code, 2);
  assertOneLineError(r1, /unknown command "audti"/);
  const r2 = await moat(['audit', '--frobnicate']);
  assert.equal(r2.code, 2);
  assertOneLineError(r2, /unknown option '--frobnicate'/);
  const r3 = await moat(['audit', '--format', 'xml']);
  assert.equal(r3.code, 2);
  assertOneLineError(r3, /unknown --format "xml"/);
});

test('an unknown --checks id is a usage error naming it (exit 2)', async () => {
  const r = await moat(['audit', '--checks', '5.99']);
  assert.equal(r.code, 2);
  assertOneLineError(r, /5\.99/);
});

test('a missing engine socket: one line, exit 3', async () => {
  const r = await moat(['audit'], { env: { DOCKER_HOST: `unix://${join(dir, 'no-such.sock')}` } });
  assert.equal(r.code, 3);
  assertOneLineError(r, /no Docker engine socket at .*no-such\.sock.*is dockerd running/);
});

test('permission denied on the socket: one line, exit 3', async () => {
  // The engine's socket is root:docker 0660; an ordinary user (nobody) may not open it.
  const r = await moat(['audit'], { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'], cwd: tmpdir() });
  assert.equal(r.code, 3);
  assertOneLineError(r, /permission denied on unix:\/\/\/var\/run\/docker\.sock/);
});

test('the daemon going away mid-audit: one line, exit 3, no report', async () => {
  await containers.make('gone', HARDENED_FLAGS);
  const proxy = await startSeveringProxy({ severWhen: (line) => /\/containers\/[0-9a-f]{64}\/json/.test(line) });
  try {
    const r = await moat(['audit', '--format', 'json'], { env: { DOCKER_HOST: `unix://${proxy.socketPath}` } });
    assert.equal(r.code, 3);
    assertOneLineError(r, /closed the connection|nothing accepts connections|no Docker engine socket/);
    assert.ok(proxy.seen.some((l) => l.includes('/_ping')), 'the audit did reach the engine first');
  } finally {
    await proxy.close();
  }
});

test('a malformed daemon.json: located one-line error, exit 3', async () => {
  const bad = join(dir, 'daemon.json');
  writeFileSync(bad, '{\n  "icc": false,\n  "log-level": info\n}\n');
  const r = await moat(['audit', '--daemon-config', bad]);
  assert.equal(r.code, 3);
  assertOneLineError(r, new RegExp(`${bad.replace(/[.]/g, '\\.')}:3:\\d+: `));
});

test('a real audit gives a schema-shaped JSON document and an exit code that follows --fail-on', async () => {
  // Privileged containers can be created but not started on this VM: --all audits created ones.
  const name = await containers.make('real', [...HARDENED_FLAGS, '--privileged'], { start: false });
  const r = await moat(['audit', '--all', '--format', 'json', '--container', name, '--fail-on', 'critical']);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { schemaVersion: string; findings: Array<{ ruleId: string; subject: { name?: string } }>; target: { containers: number } };
  assert.equal(doc.schemaVersion, SCHEMA_VERSION);
  assert.equal(doc.target.containers, 1);
  assert.ok(doc.findings.some((f) => f.ruleId === 'container-privileged' && f.subject.name === name));
  const none = await moat(['audit', '--all', '--format', 'json', '--container', name, '--fail-on', 'none']);
  assert.equal(none.code, 0);
});

test('--output writes the whole report to a file, and an unwritable path is a usage error', async () => {
  const out = join(dir, 'report.sarif');
  const r = await moat(['audit', '--format', 'sarif', '--output', out, '--fail-on', 'none', '--checks', '2']);
  assert.equal(r.code, 0, r.stderr);
  const sarif = JSON.parse((await import('node:fs')).readFileSync(out, 'utf8')) as { version: string };
  assert.equal(sarif.version, '2.1.0');
  const bad = await moat(['audit', '--output', join(dir, 'missing-dir', 'x.json'), '--checks', '2', '--fail-on', 'none']);
  assert.equal(bad.code, 2);
  assertOneLineError(bad, /cannot write --output/);
});

test('moat.yaml with an error: located one-line error, exit 2, before the engine is asked anything', async () => {
  const cfgDir = mkdtempSync(join(dir, 'cfg-'));
  writeFileSync(join(cfgDir, 'moat.yaml'), 'rules:\n  disable: [container-privilegd]\n');
  // An engine that does not exist: the config error must come first.
  const r = await moat(['audit'], { cwd: cfgDir, env: { DOCKER_HOST: `unix://${join(dir, 'no-such.sock')}` } });
  assert.equal(r.code, 2);
  assertOneLineError(r, /moat\.yaml:2:13: unknown rule "container-privilegd" \(did you mean "container-privileged"\?\)/);
});

test('moat.yaml ignores: a live one suppresses (exit 0), an expired one stops working and says so (exit 1)', async () => {
  const name = await containers.make('ignored', [...HARDENED_FLAGS, '--privileged'], { start: false });
  const cfgDir = mkdtempSync(join(dir, 'cfg-'));
  const cfg = (expires: string) => `ignore:\n  - rule: container-privileged\n    subject: ${name}\n    reason: CI runner needs it\n    expires: ${expires}\n`;
  const args = ['audit', '--all', '--format', 'json', '--container', name, '--checks', 'container-privileged', '--fail-on', 'critical'];

  writeFileSync(join(cfgDir, 'moat.yaml'), cfg('2999-12-31'));
  const live = await moat(args, { cwd: cfgDir });
  assert.equal(live.code, 0, live.stderr);
  const doc = JSON.parse(live.stdout) as { config: string; findings: Array<{ ruleId: string; suppressed?: { reason: string } }>; summary: { suppressed: number } };
  assert.equal(doc.config, join(cfgDir, 'moat.yaml'));
  assert.deepEqual(doc.findings.map((f) => [f.ruleId, f.suppressed?.reason]), [['container-privileged', 'CI runner needs it']]);
  assert.equal(doc.summary.suppressed, 1);

  writeFileSync(join(cfgDir, 'moat.yaml'), cfg('2020-01-01'));
  const expired = await moat(args, { cwd: cfgDir });
  assert.equal(expired.code, 1);
  assert.match(expired.stderr, /^moat: warning: .*moat\.yaml:2:5: the ignore of container-privileged for "[^"]+" expired on 2020-01-01 and no longer suppresses 1 finding/m);
  const table = await moat(['audit', '--all', '--container', name, '--checks', 'container-privileged', '--config', join(cfgDir, 'moat.yaml'), '--fail-on', 'none']);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /\nWarnings\n {2}.*expired on 2020-01-01/);
  assert.equal(table.stderr, '', 'the table shows the warning; stderr does not repeat it');
});
