/**
 * `moat harden` as a user runs it: exit codes, one-line errors, files written only after
 * a complete run, the host changes said on stderr, Ctrl-C and a daemon that goes away
 * mid-recording (the copy is removed, or named for removal; the sysctl is restored).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSeveringProxy } from './support/severing-proxy.ts';
import { docker, TestContainers } from './support/engine.ts';
import { copiesOf, ensureProbeImage, hardenTurn, PROBE_IMAGE, ratelimitAtRest, recordingLockOwner } from './support/harden-probe.ts';

const BIN = join(import.meta.dirname, '../src/cli/bin.ts');
const containers = new TestContainers('hcli');
let dir: string;
let ratelimitBefore: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], opts: { env?: NodeJS.ProcessEnv; uid?: number } = {}): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, 'harden', ...args], {
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    cwd: opts.uid === undefined ? dir : '/',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c) => (stdout += c));
  child.stderr?.on('data', (c) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}
/** One run, in this file's turn (test/support/harden-probe.ts: another file's test checks what its own run cleaned up). */
const moat = (args: string[], opts: { env?: NodeJS.ProcessEnv; uid?: number } = {}): Promise<Run> => hardenTurn(() => start(args, opts).done);

/** The error is the last stderr line (host changes may be said before it), one line, no stack trace, nothing on stdout. */
function assertFailed(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines.at(-1) ?? '', /^moat: /);
  assert.match(lines.at(-1) ?? '', pattern);
  for (const l of lines) assert.match(l, /^moat: /, 'every stderr line is one of moat\'s');
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '', 'nothing on stdout');
}

before(async () => {
  await ensureProbeImage();
  dir = mkdtempSync(join(tmpdir(), 'moat-hcli-'));
  ratelimitBefore = await ratelimitAtRest();
  assert.notEqual(ratelimitBefore, '0', 'this machine rate-limits printk (the kernel default), so recordings change it');
});
after(async () => {
  await containers.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('help and usage errors', async () => {
  const help = await moat(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: moat harden CONTAINER \| COMPOSE-FILE:SERVICE/);
  assertFailed(await moat([]), 2, /harden takes one CONTAINER or COMPOSE-FILE:SERVICE/);
  assertFailed(await moat(['a', 'b']), 2, /not 2/);
  assertFailed(await moat(['x', '--duration', '5 parsecs']), 2, /--duration takes a time like 30s, 2m or 500ms, not "5 parsecs"/);
  assertFailed(await moat(['x', '--duration', '100ms']), 2, /between 1s and 60m/);
  assertFailed(await moat(['x', '--network', 'host']), 2, /unknown --network "host": use same or none/);
  assertFailed(await moat(['x', '--exercise', 'true', '--exercise-exec', 'true']), 2, /not both/);
  assertFailed(await moat(['x', '--exercise-exec', '[1,2]']), 2, /non-empty JSON array of strings/);
  assertFailed(await moat(['x', '--bogus']), 2, /unknown option '--bogus'/);
  assertFailed(await moat([`${containers.prefix}-nosuch`, '--yes']), 2, /no container named or with id/);
});

test('without access to the kernel log (not root, dmesg_restrict=1) the refusal says what to do', async () => {
  assert.equal(readFileSync('/proc/sys/kernel/dmesg_restrict', 'utf8').trim(), '1', 'this machine restricts the kernel log');
  const r = await moat(['anything', '--yes'], { uid: 65534 });
  assertFailed(r, 3, /cannot read the kernel log \(\/dev\/kmsg: permission denied; with kernel.dmesg_restrict=1 only root or CAP_SYSLOG may read it\): run moat harden as root/);
});

test('side effects without --yes and without a terminal to ask on: refused, nothing created', async () => {
  const name = await containers.make('bridged', [], { image: PROBE_IMAGE, start: false });
  assertFailed(await moat([name]), 2, /would run a copy of .* with side effects \(it joins network "bridge".*\): pass --yes to accept, or --network none/);
  assert.deepEqual(await copiesOf(name), []);
});

test('--output-dir writes the three files after a complete run; host changes are said on stderr', async () => {
  const name = await containers.make('out', ['--network', 'none'], { image: PROBE_IMAGE, start: false });
  const out = join(dir, 'out');
  const r = await moat([name, '--yes', '-d', '8s', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['docker-compose.override.yml', 'run-flags.txt', 'seccomp.json']);
  assert.match(r.stdout, new RegExp(`^Hardened ${name}: \\d+ syscalls allowed; capabilities none; user 1000:1000; read-only root with tmpfs /tmp:uid=1000,gid=1000`));
  assert.match(r.stdout, /Verified: a copy under all of them behaved as recorded/);
  assert.match(r.stderr, new RegExp(`moat: set kernel.printk_ratelimit ${ratelimitBefore} → 0 for the recording`));
  assert.match(r.stderr, new RegExp(`moat: restored kernel.printk_ratelimit to ${ratelimitBefore}`));
  assert.equal(await ratelimitAtRest(), ratelimitBefore);
  const json = await moat([name, '--yes', '-d', '8s', '--network', 'none', '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const result = JSON.parse(json.stdout);
  assert.equal(result.schemaVersion, '1.0.0');
  assert.equal(result.verified.user, '1000:1000');
  assert.equal(result.recording.network, 'none');
});

test('the engine going away mid-recording: one line naming the copy to remove; the host is restored', async () => {
  const name = await containers.make('gone', ['--network', 'none'], { image: PROBE_IMAGE, start: false, cmd: ['serve'] });
  const proxy = await startSeveringProxy({ severWhen: (line) => /^POST \/v[\d.]+\/containers\/[0-9a-f]{64}\/start/.test(line) });
  try {
    const r = await moat([name, '--yes', '-d', '8s'], { env: { DOCKER_HOST: `unix://${proxy.socketPath}` } });
    assertFailed(r, 3, /closed the connection.*did dockerd stop or restart\?.*the copy (moat-harden-\S+) could not be removed .*: remove it with docker rm -f moat-harden-\S+$/);
    const left = /docker rm -f (moat-harden-\S+)$/.exec(r.stderr.trim())?.[1] as string;
    assert.ok((await docker('ps', '-aq', '--filter', `name=${left}`)).trim(), 'the named copy is the one left behind');
    await docker('rm', '-f', left);
    assert.equal(await ratelimitAtRest(), ratelimitBefore);
  } finally {
    await proxy.close();
  }
});

test('Ctrl-C stops the recording, removes the copy and restores the host', async () => {
  const name = await containers.make('sigint', ['--network', 'none'], { image: PROBE_IMAGE, start: false, cmd: ['serve'] });
  const r = await hardenTurn(async () => {
    const run = start([name, '--yes', '-d', '60s']);
    try {
      const deadline = Date.now() + 30_000;
      while ((await copiesOf(name)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal((await copiesOf(name)).length, 1, 'the copy is running');
      run.child.kill('SIGINT');
      return { ...(await run.done), pid: run.child.pid };
    } finally {
      // A failed wait must not leave the run going after the turn is given up.
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.done;
    }
  });
  assertFailed(r, 3, /interrupted: the copies Moat made were removed and nothing was written/);
  assert.deepEqual(await copiesOf(name), []);
  assert.equal(await ratelimitAtRest(), ratelimitBefore);
  assert.notEqual(recordingLockOwner(), r.pid, 'the interrupted run released the recording lock');
});
