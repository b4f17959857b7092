/**
 * The shipped path end to end: `moat enforce install` writes the spec file a second dockerd
 * discovers the plugin through, `moat enforce serve` (the real CLI, a child process) judges its
 * requests under a moat.yaml policy, and stops cleanly on SIGTERM.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DecisionLine } from '../src/features/enforce/decision-log.ts';
import { ensureTestImages, IMAGES } from './support/engine.ts';
import { loadImage, startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const node = process.execPath;
const bin = join(root, 'src/cli/bin.ts');
const NAME = `moat-cli-${process.pid}`;
const SAFE = ['--network', 'none', '--memory', '64m', '--pids-limit', '50', '--read-only'];

let dir: string;
let daemon: SecondDaemon | undefined;
let serve: ChildProcess | undefined;
let serveErr = '';
let installOut = '';

before(async () => {
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'moat-enforce-cli-'));
  writeFileSync(
    join(dir, 'moat.yaml'),
    [
      'enforce:',
      '  deny: [container-host-network, container-docker-socket]',
      '  log: [container-privileged]',
      '  exceptions:',
      '    - rules: ["5.32"]',
      '      label: moat.allow=socket',
      '      reason: the test agent reads the engine by design',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'daemon.json'), '{\n  "log-level": "warn"\n}\n');
  const socket = join(dir, 'cli.sock');
  daemon = await startSecondDaemon({
    plugins: [NAME],
    prepare: async ({ pluginSpecs, dir: daemonDir }) => {
      // --host: the daemon the plugin asks at start is the one it guards (its socket is known before it starts).
      serve = spawn(node, [bin, 'enforce', 'serve', '--socket', socket, '--host', `unix://${join(daemonDir, 'docker.sock')}`, '--config', join(dir, 'moat.yaml'), '--log', join(dir, 'decisions.jsonl')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      serve.stderr?.on('data', (c: Buffer) => (serveErr += c.toString()));
      const deadline = Date.now() + 20_000;
      while (!serveErr.includes('serving on')) {
        if (Date.now() > deadline || serve.exitCode !== null) throw new Error(`moat enforce serve did not start: ${serveErr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      ({ stdout: installOut } = await run(node, [bin, 'enforce', 'install', '--spec-dir', pluginSpecs, '--socket', socket, '--name', NAME, '--daemon-config', join(dir, 'daemon.json')], { cwd: dir }));
    },
  });
  await loadImage(daemon, IMAGES.hardened);
});

after(async () => {
  await daemon?.stop();
  if (serve && serve.exitCode === null) serve.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('install wrote the spec file the daemon found, and only printed the daemon.json change', () => {
  assert.equal(readFileSync(join(daemon?.pluginSpecs ?? '', `${NAME}.spec`), 'utf8'), `unix://${join(dir, 'cli.sock')}\n`);
  assert.equal(readFileSync(join(dir, 'daemon.json'), 'utf8'), '{\n  "log-level": "warn"\n}\n', 'daemon.json is untouched');
  assert.match(installOut, new RegExp(`"authorization-plugins": \\[\\]  ->  \\["${NAME}"\\]`));
  const doc = JSON.parse(installOut.slice(installOut.indexOf('{'), installOut.lastIndexOf('}') + 1)) as Record<string, unknown>;
  assert.deepEqual(doc, { 'log-level': 'warn', 'authorization-plugins': [NAME] });
});

test('the policy decides: deny list, log list, and an exception by label', async () => {
  const d = daemon as SecondDaemon;
  const host = await d.dockerResult('create', '--network', 'host', '--memory', '64m', IMAGES.hardened);
  assert.notEqual(host.code, 0);
  assert.match(host.stderr, new RegExp(`authorization denied by plugin ${NAME}: moat: denied: container-host-network`));

  // Only logged by this policy: the create goes through (the container cannot start on this VM, and is not started).
  const priv = await d.dockerResult('create', '--name', `${NAME}-priv`, '--privileged', ...SAFE, IMAGES.hardened);
  assert.equal(priv.code, 0, priv.stderr);

  const sock = await d.dockerResult('create', '-v', '/var/run/docker.sock:/s', ...SAFE, IMAGES.hardened);
  assert.match(sock.stderr, /container-docker-socket/);
  const excepted = await d.dockerResult('create', '--name', `${NAME}-agent`, '--label', 'moat.allow=socket', '-v', '/var/run/docker.sock:/s', ...SAFE, IMAGES.hardened);
  assert.equal(excepted.code, 0, excepted.stderr);
  await d.docker('rm', '-f', `${NAME}-priv`, `${NAME}-agent`);

  await new Promise((resolve) => setTimeout(resolve, 200));
  const lines = readFileSync(join(dir, 'decisions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DecisionLine);
  const creates = lines.filter((l) => l.endpoint === 'container-create');
  assert.deepEqual(creates.map((l) => `${l.decision}:${l.rule}`), ['deny:container-host-network', 'allow:null', 'deny:container-docker-socket', 'allow:null']);
  assert.equal(creates[1]?.findings?.find((f) => f.rule === 'container-privileged')?.action, 'log');
  const ex = creates[3]?.findings?.find((f) => f.rule === 'container-docker-socket');
  assert.equal(ex?.action, 'excepted');
  assert.match(ex?.exception ?? '', /the test agent reads the engine by design \(.*moat\.yaml:5:7\)/);
});

test('serve --host: starts are judged from that daemon\'s view; a container borrowing the excepted agent\'s socket cannot start', async () => {
  const d = daemon as SecondDaemon;
  assert.match(serveErr, new RegExp(`for the daemon at unix://${d.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const agent = `${NAME}-agent2`;
  await d.docker('run', '-d', '--name', agent, '--label', 'moat.allow=socket', '-v', '/var/run/docker.sock:/var/run/docker.sock', ...SAFE, IMAGES.hardened);
  const borrower = await d.dockerResult('run', '-d', '--name', `${NAME}-borrower`, '--volumes-from', agent, ...SAFE, IMAGES.hardened);
  assert.notEqual(borrower.code, 0);
  assert.match(borrower.stderr, new RegExp(`authorization denied by plugin ${NAME}: moat: denied: container-docker-socket`));
  await d.docker('rm', '-f', agent, `${NAME}-borrower`);
});

test('serve warns about an exception anyone can claim, and stops on SIGTERM with a summary', async () => {
  assert.match(serveErr, /moat\.yaml:5:7: this exception matches on a label the requester chooses/);
  await daemon?.stop();
  daemon = undefined;
  const exited = new Promise<number | null>((resolve) => serve?.once('exit', (code) => resolve(code)));
  serve?.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(serveErr, /moat enforce: stopped after \d+ requests \(\d+ denied, 0 timed out, 0 over the in-flight bound\)/);
});
