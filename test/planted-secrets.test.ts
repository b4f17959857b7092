/**
 * Known secrets planted in every door Moat reads (a Dockerfile, a compose file, `docker run`
 * lines, the history and files of an image built here on the real engine, an exec command,
 * a webhook URL) and searched for in every output: each report format (table, json, sarif,
 * html), each SBOM format (cyclonedx, spdx, json, table), `enforce test`, the enforce decision
 * log and watch alerts in a file and at a webhook. None may appear in full; each door's
 * output must show a mask, so the search is not passing on output that never quoted the line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { decisionLine, fileSink as decisionFileSink } from '../src/features/enforce/decision-log.ts';
import { Enforcer } from '../src/features/enforce/enforcer.ts';
import { makeAlert } from '../src/features/watch/alert.ts';
import { describeExec, execDetails, execSeverity } from '../src/features/watch/exec.ts';
import { fileSink as alertFileSink } from '../src/features/watch/sinks/json-lines.ts';
import { webhookSink } from '../src/features/watch/sinks/webhook.ts';
import { tempDir } from '../src/knowledge/vuln/test-support/temp.ts';
import { docker, TEST_LABEL } from './support/engine.ts';
import { runMoat, type Run } from './support/moat-cli.ts';

const dir = tempDir('planted');
const alnum = (seed: string, n: number): string => Array.from({ length: n }, (_, i) => 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[(seed.charCodeAt(i % seed.length) * 7 + i * 13) % 57]).join('');

/** Every planted value: none may be printed in full anywhere. */
const S = {
  curl: 'PlantedCurlPw1x',
  env: 'PlantedEnvPw2x',
  npm: `npm_${alnum('dockerfile', 36)}`,
  mysql: 'PlantedMysqlPw3x',
  composeEnv: 'PlantedComposePw4x',
  composeCmd: 'PlantedComposePw5x',
  runTok: 'PlantedRunTok6x',
  runPw: 'PlantedRunPw7x',
  histPw: 'PlantedHistPw8x',
  histNpm: `npm_${alnum('history', 36)}`,
  netrc: 'PlantedNetrcPw9x',
  npmrc: `PlantedNpmrcTok10x${alnum('npmrc', 20)}`,
  execPw: 'PlantedExecPw11x',
  execEnv: 'PlantedExecEnv12x',
  hookPw: 'PlantedHookPw13x',
} as const;

function assertNoSecret(where: string, text: string): void {
  for (const [name, value] of Object.entries(S)) assert.ok(!text.includes(value), `${where}: the planted ${name} secret appears in full:\n${text.slice(Math.max(0, text.indexOf(value) - 200), text.indexOf(value) + 100)}`);
}

const image = `moat-test/planted:${process.pid}`;

before(async () => {
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'Dockerfile'), [
    'FROM debian:12',
    `ENV DB_PASSWORD=${S.env}`,
    `RUN curl -fsSL -u admin:${S.curl} https://get.example.invalid/i.sh | sh`,
    `RUN NPM_TOKEN=${S.npm} npm ci`,
    `RUN mysql -uroot -p${S.mysql} -e 'select 1' | tee /tmp/out`,
    '',
  ].join('\n'));
  writeFileSync(path.join(dir, 'src', 'compose.yaml'), [
    'services:',
    '  app:',
    '    image: nginx:1.25',
    '    privileged: true',
    '    environment:',
    `      DB_PASSWORD: ${S.composeEnv}`,
    `    command: ["app", "--password=${S.composeCmd}"]`,
    '',
  ].join('\n'));
  writeFileSync(path.join(dir, 'src', 'deploy.sh'), `#!/bin/sh\ndocker run -d --privileged -e API_TOKEN=${S.runTok} nginx:1.25 app --password ${S.runPw}\n`);

  // An image built here, FROM scratch: /bin/sh is a static program that writes /ran, so a RUN
  // step is a real layer (an empty one is left out of the layer list) with its line in the history.
  const ctx = path.join(dir, 'image');
  mkdirSync(ctx);
  writeFileSync(path.join(dir, 'touch.c'), '#include <stdio.h>\nint main(void) { FILE *f = fopen("/ran", "w"); return f == NULL; }\n');
  await promisify(execFile)('gcc', ['-static', '-Os', '-o', path.join(ctx, 'sh'), path.join(dir, 'touch.c')]);
  writeFileSync(path.join(ctx, 'netrc'), `machine example.com login deploy password ${S.netrc}\n`);
  writeFileSync(path.join(ctx, 'npmrc'), `//registry.npmjs.org/:_authToken=${S.npmrc}\n`);
  writeFileSync(path.join(ctx, 'Dockerfile'), [
    'FROM scratch',
    'COPY sh /bin/sh',
    `LABEL ${TEST_LABEL.replace('=', '="')}"`,
    `RUN curl -fsSL -u deploy:${S.histPw} https://artifacts.example.invalid/app.tgz -o /app.tgz && NPM_TOKEN=${S.histNpm} npm ci`,
    'COPY netrc /root/.netrc',
    'COPY npmrc /root/.npmrc',
    '',
  ].join('\n'));
  await docker('build', '-q', '-t', image, ctx);
});

after(async () => {
  await docker('rmi', '-f', image).catch(() => undefined);
});

const moat = (args: string[]): Promise<Run> => runMoat(args, { cwd: dir, timeoutMs: 120_000 });

test('lint: every format masks what the Dockerfile, the compose file and the run line quote', async () => {
  for (const format of ['table', 'json', 'sarif', 'html']) {
    const r = await moat(['lint', 'src', '--format', format, '--fail-on', 'none']);
    assert.equal(r.code, 0, r.stderr);
    assertNoSecret(`lint --format ${format}`, r.stdout + r.stderr);
    if (format === 'json') {
      assert.match(r.stdout, /curl -fsSL -u admin:\*\*\*\*\(15 chars\)/, 'the curl | sh evidence is quoted, masked');
      assert.match(r.stdout, /-p\*\*\*\*\(16 chars\)/, 'the pipefail evidence is quoted, masked');
    }
  }
});

test('enforce test: run lines and compose files, text and json', async () => {
  for (const format of ['text', 'json']) {
    const r = await moat(['enforce', 'test', '--format', format, '--run', `docker run --privileged -e API_TOKEN=${S.runTok} nginx:1.25 app --password=${S.runPw}`, 'src/compose.yaml']);
    assert.equal(r.code, 1, r.stderr);
    assertNoSecret(`enforce test --format ${format}`, r.stdout + r.stderr);
  }
});

test('scan: an image\'s history and files, in every report format', async () => {
  for (const format of ['table', 'json', 'sarif', 'html']) {
    const r = await moat(['scan', image, '--no-vulns', '--format', format, '--fail-on', 'none']);
    assert.equal(r.code, 0, r.stderr);
    assertNoSecret(`scan --format ${format}`, r.stdout + r.stderr);
    if (format === 'json') assert.match(r.stdout, /\*\*\*\*\(\d+ chars\)/);
  }
});

test('sbom: layer history in every SBOM format, as scan masks it', async () => {
  for (const format of ['cyclonedx', 'spdx', 'json', 'table']) {
    const r = await moat(['sbom', image, '--format', format]);
    assert.equal(r.code, 0, r.stderr);
    assertNoSecret(`sbom --format ${format}`, r.stdout + r.stderr);
    if (format === 'cyclonedx' || format === 'json') assert.match(r.stdout, /curl -fsSL -u deploy:\*\*\*\*\(15 chars\)[^"]*NPM_TOKEN=npm_\*\*\*\*\(40 chars\)/, format);
  }
});

test('the enforce decision log: an exec command\'s --password and environment', async () => {
  const log = path.join(dir, 'decisions.log');
  const sink = decisionFileSink(log);
  const uri = '/v1.41/containers/web/exec';
  const body = JSON.stringify({ Privileged: true, User: 'root', Env: [`API_TOKEN=${S.execEnv}`], Cmd: ['mysql', '-uroot', `--password=${S.execPw}`, '-e', 'select 1'] });
  const j = await new Enforcer().judge({ user: 'alice', method: 'POST', uri, headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body: Buffer.from(body) });
  assert.equal(j.allow, false);
  sink.write(decisionLine({ user: 'alice', method: 'POST', uri }, j, 1));
  await sink.close();
  const text = readFileSync(log, 'utf8');
  assertNoSecret('decision log', text);
  assertNoSecret('denial sent to the client', j.msg);
  assert.match(text, /--password=\*\*\*\*\(16 chars\)/);
});

test('watch: exec alerts in a file and at a webhook whose URL carries credentials (sent as Basic auth, never printed)', async () => {
  const received: Array<{ auth?: string; body: string; url?: string }> = [];
  let refuse = true;
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ auth: req.headers.authorization, body, url: req.url });
      // The first attempt fails, so the retry path (which printed the URL) runs too.
      res.statusCode = refuse ? 503 : 204;
      refuse = false;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const failures: string[] = [];
  try {
    const file = path.join(dir, 'alerts.jsonl');
    const sinks = [await alertFileSink(file), webhookSink({ url: `http://hook:${S.hookPw}@127.0.0.1:${port}/hook`, backoffMs: 10, onFailure: (m) => failures.push(m) })];
    const details = execDetails('e1', '', { command: ['mysql', '-uroot', `--password=${S.execPw}`], user: 'root', privileged: false } as never);
    const alert = makeAlert({ kind: 'exec', severity: execSeverity(details), message: describeExec(details, 'web'), container: { id: 'c1', name: 'web' }, details });
    for (const s of sinks) s.write(alert);
    for (const s of sinks) assert.equal(await s.flush(5000), 0, s.name);
    for (const s of sinks) await s.close();
    const names = sinks.map((s) => s.name).join('\n');
    assertNoSecret('sink names', names);
    assertNoSecret('webhook failures', failures.join('\n'));
    assert.ok(failures.length >= 1, 'the retry was reported');
    assert.match(failures[0] ?? '', /webhook http:\/\/hook:\*\*\*\*\(16 chars\)@127\.0\.0\.1:\d+\/hook answered HTTP 503/);
    assertNoSecret('alert file', readFileSync(file, 'utf8'));
    assert.equal(received.length, 2);
    for (const r of received) {
      assert.equal(r.auth, `Basic ${Buffer.from(`hook:${S.hookPw}`).toString('base64')}`);
      assert.equal(r.url, '/hook');
      assertNoSecret('webhook body', r.body);
    }
    assert.match(received[1]?.body ?? '', /--password=\*\*\*\*\(16 chars\)/);
  } finally {
    server.close();
  }
});
