import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseConfig } from '../../doors/config/load.ts';
import { renderJson } from '../../report/json.ts';
import { renderSarif, type SarifLog } from '../../report/sarif.ts';
import { compileSchema, FINDING_SCHEMA_URL, readJson } from '../../report/test-support/ajv.ts';
import { allRules } from '../../knowledge/rules/index.ts';
import { lint, MAX_FINDINGS_PER_RULE } from './lint.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'moat-lint-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const BAD = 'FROM ubuntu\nRUN apt-get update && apt-get install -y curl\n# moat:ignore dockerfile-cd the build script expects it\nRUN cd /src && make\n# moat:ignore dockerfile-sudo\nRUN sudo make install\nUSER root\n';
const NOW = new Date('2026-11-22T00:00:00Z');

test('lints a tree into one report: files as subjects, findings at file:line:col, inline ignores applied', async () => {
  const root = tree({ 'app/Dockerfile': BAD });
  try {
    const report = await lint({ paths: ['.'], cwd: root, now: NOW });
    assert.equal(report.command, 'lint');
    assert.match(report.target.description, /^1 Dockerfile in \.$/);
    const byRule = new Map(report.findings.map((f) => [f.ruleId, f]));
    const unpinned = byRule.get('dockerfile-apt-unpinned');
    assert.deepEqual(unpinned?.subject, { kind: 'file', id: 'app/Dockerfile', name: 'app/Dockerfile' });
    assert.deepEqual(unpinned?.location, { file: 'app/Dockerfile', line: 2, column: 42 });
    assert.deepEqual(byRule.get('dockerfile-cd')?.suppressed, { reason: 'the build script expects it (app/Dockerfile:3:1)' });
    // An ignore without a reason still silences its rule, and is a finding of its own.
    assert.ok(byRule.get('dockerfile-sudo')?.suppressed);
    assert.deepEqual(byRule.get('dockerfile-ignore-unjustified')?.location, { file: 'app/Dockerfile', line: 5, column: 1 });
    assert.equal(byRule.get('dockerfile-last-user-root')?.severity, 'high');
    // No compose file or script was read, so the container rules did not run.
    assert.ok(report.checks.every((c) => c.ruleId.startsWith('dockerfile-')));
    assert.equal(report.summary.suppressed, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('compose files, scripts and Makefiles go through their doors to the container rules, with file:line:col', async () => {
  const root = tree({
    'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n    environment:\n      TOKEN: $UNSET_TOKEN\n',
    'deploy/run.sh': '#!/bin/sh\ndocker run -d --network host \\\n  myorg/api:1\n',
    'Makefile': 'up:\n\t$(DOCKER) run --pid=host alpine:3.20 top\n',
  });
  try {
    const report = await lint({ paths: ['.'], cwd: root, env: {}, now: NOW });
    assert.match(report.target.description, /^1 Makefile, 1 compose file, 1 shell script in \.$/);
    const at = (rule: string) => report.findings.filter((f) => f.ruleId === rule).map((f) => `${f.subject.kind} ${f.location?.file}:${f.location?.line}:${f.location?.column}`);
    assert.deepEqual(at('container-privileged'), ['container compose.yaml:4:5']);
    assert.deepEqual(at('container-host-network'), ['container deploy/run.sh:2:15']);
    assert.deepEqual(at('container-host-pid'), ['container Makefile:2:16']);
    // What a door could not establish is said, located.
    assert.ok(report.warnings?.some((w) => /^compose\.yaml:6:14: the UNSET_TOKEN variable is not set/.test(w.message)), JSON.stringify(report.warnings));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('by default the container rules are loaded by the first file of containers: the report is the one every rule given makes', async () => {
  const root = tree({
    'a/Dockerfile': BAD,
    'b/Dockerfile': '# moat:ignore no-such-rule because\nFROM debian:12\n',
    'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n',
    'run.sh': '#!/bin/sh\ndocker run -d --pid=host alpine:3.20 top\n',
  });
  const only = tree({ Dockerfile: BAD });
  const given = allRules.filter((r) => r.meta.target === 'dockerfile' || r.meta.target === 'container');
  // Everything but the run's times.
  const body = (r: Awaited<ReturnType<typeof lint>>) => renderJson({ ...r, startedAt: '', finishedAt: '', durationMs: 0 });
  try {
    for (const dir of [root, only]) {
      const lazy = await lint({ paths: ['.'], cwd: dir, env: {}, now: NOW });
      assert.equal(body(lazy), body(await lint({ paths: ['.'], cwd: dir, env: {}, now: NOW, rules: given })));
      assert.equal(lazy.checks.some((c) => c.ruleId.startsWith('container-')), dir === root);
    }
    const report = await lint({ paths: ['.'], cwd: root, env: {}, now: NOW });
    assert.ok(report.warnings?.some((w) => /moat:ignore names unknown rule "no-such-rule"/.test(w.message)));
    assert.ok(report.findings.some((f) => f.ruleId === 'container-privileged') && report.findings.some((f) => f.ruleId === 'container-host-pid'));
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(only, { recursive: true, force: true });
  }
});

test('a kind without a door is reported, not skipped in silence', async () => {
  const { dockerfileKind } = await import('./file-kinds.ts');
  const pendingKind = { id: 'k8s', title: 'Kubernetes manifest', targets: ['container'] as const, matches: (n: string) => n.endsWith('.k8s.yaml'), pending: 'no Kubernetes door yet' };
  const root = tree({ 'Dockerfile': 'FROM debian:12\n', 'a.k8s.yaml': 'kind: Pod\n', 'b.k8s.yaml': 'kind: Pod\n' });
  try {
    const report = await lint({ paths: ['.'], cwd: root, kinds: [dockerfileKind, pendingKind], now: NOW });
    assert.deepEqual(report.warnings?.map((w) => w.message), ['2 Kubernetes manifests found but not linted: no Kubernetes door yet (a.k8s.yaml, b.k8s.yaml)']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('moat.yaml: severity overrides, ignores by file, and trusted registries reach the Dockerfile rules', async () => {
  const root = tree({ 'Dockerfile': 'FROM quay.io/acme/base:1\nFROM docker.io/library/debian:12\nUSER 10001\n', 'legacy/Dockerfile': 'FROM debian:12\n' });
  try {
    const yaml = 'rules:\n  severity:\n    dockerfile-healthcheck-missing: high\nignore:\n  - rule: dockerfile-user-missing\n    subject: legacy/*\n    reason: retired next quarter\n    expires: 2099-01-01\ntrust:\n  registries: [docker.io]\n';
    const config = parseConfig(yaml, join(root, 'moat.yaml'), allRules);
    const report = await lint({ paths: ['.'], cwd: root, config, now: NOW });
    const f = (rule: string, file: string) => report.findings.find((x) => x.ruleId === rule && x.location?.file === file);
    assert.equal(f('dockerfile-healthcheck-missing', 'Dockerfile')?.severity, 'high');
    assert.deepEqual(f('dockerfile-user-missing', 'legacy/Dockerfile')?.suppressed, { reason: 'retired next quarter', expires: '2099-01-01' });
    assert.match(f('dockerfile-base-untrusted-registry', 'Dockerfile')?.message ?? '', /quay\.io\/acme\/base:1 comes from quay\.io/);
    assert.equal(report.findings.filter((x) => x.ruleId === 'dockerfile-base-untrusted-registry').length, 1);
    assert.equal(report.config, join(root, 'moat.yaml'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('files that cannot be parsed are listed as located errors; every other file is still linted', async () => {
  const root = tree({ 'a/Dockerfile': 'FROM x\nRUN <<EOF\nnever closed\n', 'b/Dockerfile': '# escape=!\nFROM x\n', 'c/Dockerfile': 'FROM debian:12\n' });
  writeFileSync(join(root, 'd.Dockerfile'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]));
  try {
    const report = await lint({ paths: ['.'], cwd: root, now: NOW });
    assert.deepEqual(
      report.errors?.map((e) => e.location),
      [
        { file: 'a/Dockerfile', line: 2, column: 5 },
        { file: 'b/Dockerfile', line: 1, column: 10 },
        { file: 'd.Dockerfile', line: 1, column: 5 },
      ],
    );
    assert.match(report.errors?.[0]?.message ?? '', /^a\/Dockerfile:2:5: unterminated heredoc/);
    assert.match(report.errors?.[1]?.message ?? '', /^b\/Dockerfile:1:10: invalid escape directive/);
    assert.match(report.errors?.[2]?.message ?? '', /^d\.Dockerfile:1:5: NUL byte/);
    assert.ok(report.findings.some((f) => f.location?.file === 'c/Dockerfile'));
    assert.match(report.target.description, /^1 Dockerfile, 3 not read in \.$/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the JSON report validates against the published finding schema', async () => {
  const root = tree({ 'Dockerfile': BAD });
  try {
    const validate = compileSchema(readJson(FINDING_SCHEMA_URL) as object);
    const doc = JSON.parse(renderJson(await lint({ paths: ['.'], cwd: root, now: NOW })));
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 1));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('SARIF results carry physical locations (file, line, column) relative to the checkout, valid against SARIF 2.1.0', async () => {
  const root = tree({ 'svc/Dockerfile': BAD });
  try {
    const report = await lint({ paths: ['.'], cwd: root, now: NOW });
    const log = JSON.parse(renderSarif(report, { cwd: root })) as SarifLog;
    const dir = dirname(createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/package.json'));
    const validate = compileSchema(readJson(join(dir, 'sarif-2.1.0.json')) as object, { strict: false });
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
    const r = log.runs[0].results.find((x) => x.ruleId === 'dockerfile-apt-unpinned');
    assert.deepEqual(r?.locations[0]?.physicalLocation, { artifactLocation: { uri: 'svc/Dockerfile', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 42 } });
    assert.equal(log.runs[0].properties.command, 'lint');
    assert.ok(log.runs[0].results.some((x) => x.suppressions?.[0]?.justification.startsWith('the build script expects it')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('no rule quotes a secret in full: evidence and messages are masked in every format', async () => {
  const ghp = 'ghp_' + 'Zx9Qw2Er4Ty6Ui8Op0As1Df3Gh5Jk7Lz9Xc2Vb';
  const text = `FROM debian:12\nRUN curl -fsSL https://deploy:S3cr3tPassw0rd@get.example.com/i.sh | sh\nENV DB_PASSWORD=hunter22 URL=\${DB_PASSWORD}x\nRUN echo ${ghp} | tee /root/.token\nCMD echo ${ghp}\n`;
  const root = tree({ 'Dockerfile': text });
  try {
    const report = await lint({ paths: ['.'], cwd: root, now: NOW });
    assert.ok(report.findings.length > 5);
    for (const doc of [renderJson(report), renderSarif(report, { cwd: root })]) {
      for (const secret of ['S3cr3tPassw0rd', 'hunter22', ghp.slice(4)]) assert.ok(!doc.includes(secret), `${secret} leaked`);
    }
    assert.ok(report.findings.some((f) => f.ruleId === 'dockerfile-curl-pipe-shell' && f.evidence?.includes('****')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an empty tree says there was nothing to lint', async () => {
  const root = tree({ 'README.md': '# nothing\n' });
  try {
    const report = await lint({ paths: ['.'], cwd: root, now: NOW });
    assert.equal(report.findings.length, 0);
    assert.match(report.warnings?.[0]?.message ?? '', /^nothing to lint in \.: no Dockerfiles, compose files, shell scripts, Makefiles found/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a hostile Dockerfile (long && chains, huge ENV, thousands of ignores and stages) lints in bounded time, without a stack overflow', async () => {
  const parts = [
    'FROM debian:12 AS base',
    `RUN ${'apt-get install -y x && pip install y && curl z | sh && '.repeat(2000)}true`,
    `ENV ${Array.from({ length: 5000 }, (_, k) => `V${k}=$V${k - 1}`).join(' ')}`,
    ...Array.from({ length: 4000 }, (_, k) => `# moat:ignore dockerfile-cd reason ${k}\nRUN cd /x${k}`),
    ...Array.from({ length: 800 }, (_, k) => `FROM base AS s${k}\nCOPY --from=s${k + 5} a b\nCOPY x y`),
    `LABEL k="${'a.'.repeat(50000)}"`,
  ];
  const root = tree({ 'Dockerfile': parts.join('\n') + '\n' });
  try {
    const t0 = performance.now();
    const report = await lint({ paths: ['.'], cwd: root, now: NOW });
    const ms = performance.now() - t0;
    assert.ok(ms < 60_000, `took ${ms} ms`);
    // 4,000 of one rule in one file: the first MAX_FINDINGS_PER_RULE are listed, and one more counts the rest.
    const cd = report.findings.filter((f) => f.ruleId === 'dockerfile-cd');
    assert.equal(cd.length, MAX_FINDINGS_PER_RULE + 1);
    assert.ok(cd.every((f) => f.suppressed));
    assert.match(cd.at(-1)?.message ?? '', new RegExp(`^… and ${(4000 - MAX_FINDINGS_PER_RULE).toLocaleString('en-US')} more findings of this rule in Dockerfile`));
    assert.ok(report.findings.some((f) => f.ruleId === 'dockerfile-curl-pipe-shell'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
