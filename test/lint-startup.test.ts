/**
 * What `moat lint` loads (issue 12: ≥ 1,000 Dockerfiles per core-second through the CLI,
 * process start included). A tree of Dockerfiles written as JSON needs the Dockerfile door,
 * the Dockerfile rules and the JSON writer: not the container rules, the engine, daemon,
 * swarm and compose doors, nor the other renderers, which together were ~60 ms of every
 * run's CPU. They are loaded when an input needs them, and then every container rule runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { containerRules } from '../src/knowledge/rules/container/index.ts';

const BIN = join(import.meta.dirname, '../src/cli/bin.ts');
// Preloaded into the CLI: lists every module it loads, on stderr at exit.
const HOOK = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
import { writeSync } from 'node:fs';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on('exit', () => writeSync(2, '\\nLOADED ' + JSON.stringify(loaded) + '\\n'));
`)}`;

/** Modules a Dockerfile-only lint has no use for. */
const NOT_FOR_DOCKERFILES = /\/src\/(?:knowledge\/rules\/(?:container|daemon|host|image)\/|doors\/(?:engine\/(?!errors\.ts)|daemon\/|swarm\/|compose\/|run-line\/)|features\/audit\/|report\/(?:html|sarif|table)\.ts)/;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'moat-lint-startup-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function lintLoading(args: string[]): { code: number | null; doc: { checks: { ruleId: string }[] }; loaded: string[] } {
  const r = spawnSync(process.execPath, ['--import', HOOK, BIN, 'lint', ...args, '--format', 'json', '--fail-on', 'none'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  const line = /\nLOADED (.*)\n/.exec(r.stderr);
  assert.ok(line, r.stderr);
  return { code: r.status, doc: JSON.parse(r.stdout) as { checks: { ruleId: string }[] }, loaded: JSON.parse(line[1] as string) as string[] };
}

test('a tree of Dockerfiles written as JSON loads no container rule, no engine, daemon, swarm or compose door, no other renderer', () => {
  const r = lintLoading(['.']);
  assert.equal(r.code, 0);
  assert.ok(r.loaded.some((u) => u.endsWith('/src/knowledge/rules/dockerfile/index.ts')), 'the Dockerfile rules are loaded');
  assert.deepEqual(r.loaded.filter((u) => NOT_FOR_DOCKERFILES.test(u)), []);
  assert.ok(r.doc.checks.length > 0 && r.doc.checks.every((c) => c.ruleId.startsWith('dockerfile-')));
});

test('a compose file or a run line among the inputs loads the container rules, and every one of them runs', () => {
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n');
  try {
    for (const args of [['.'], ['Dockerfile', '--run', 'docker run -d --privileged alpine:3.20']]) {
      const r = lintLoading(args);
      assert.equal(r.code, 0);
      assert.ok(r.loaded.some((u) => u.endsWith('/src/knowledge/rules/container/index.ts')), args.join(' '));
      const ran = r.doc.checks.map((c) => c.ruleId).filter((id) => id.startsWith('container-'));
      assert.deepEqual(ran, containerRules.map((c) => c.meta.id), args.join(' '));
    }
  } finally {
    rmSync(join(dir, 'compose.yaml'));
  }
});
