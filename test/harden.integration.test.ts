/**
 * moat harden against the real engine and kernel: a FROM scratch workload with a known set
 * of syscalls is recorded, its generated profile runs it and blocks a syscall it never
 * made, and the capability, user, read-only and limit proposals are verified by re-running.
 * Recordings change kernel.printk_ratelimit for their duration: every test checks it is
 * back to what it was.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { harden as hardenOnce, type HardenOptions, type HardenResult } from '../src/features/harden/harden.ts';
import { compileSchema, readJson } from '../src/report/test-support/ajv.ts';
import { renderOutputs } from '../src/features/harden/render.ts';
import { containersFromCompose } from '../src/doors/compose/project.ts';
import { MoatError } from '../src/util/errors.ts';
import { docker, TestContainers } from './support/engine.ts';
import { copiesOf, ensureProbeImage, hardenTurn, PROBE_IMAGE, ratelimitAtRest, recordingLockOwner } from './support/harden-probe.ts';

const containers = new TestContainers('harden');
/** Every result the tests produce, checked against docs/harden.schema.json at the end. */
const results: HardenResult[] = [];
async function harden(o: HardenOptions): Promise<HardenResult> {
  const r = await hardenOnce(o);
  results.push(r);
  return r;
}
let dir: string;
let ratelimitBefore: string;

before(async () => {
  await ensureProbeImage();
  dir = mkdtempSync(join(tmpdir(), 'moat-harden-'));
  ratelimitBefore = await ratelimitAtRest();
  assert.notEqual(ratelimitBefore, '0', 'this machine rate-limits printk (the kernel default), so recordings change it');
});
after(async () => {
  await containers.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** `docker run` with the verified settings as flags (the same translation run-flags.txt holds). */
function flagsOf(r: HardenResult, seccompFile: string): string[] {
  const v = r.verified;
  return [
    ...(v.user ? ['--user', v.user] : []),
    ...(v.capDrop ?? []).flatMap((c) => ['--cap-drop', c]),
    ...(v.capAdd ?? []).flatMap((c) => ['--cap-add', c]),
    ...(v.noNewPrivileges ? ['--security-opt', 'no-new-privileges'] : []),
    ...(v.readOnly ? ['--read-only', ...v.tmpfs.flatMap((t) => ['--tmpfs', t])] : []),
    ...(v.memory ? ['--memory', String(v.memory)] : []),
    ...(v.pids ? ['--pids-limit', String(v.pids)] : []),
    '--security-opt',
    `seccomp=${seccompFile}`,
  ];
}

/** Exit code of a throw-away container (labelled, removed by name). */
async function exitCode(name: string, flags: string[], cmd: string[]): Promise<number> {
  const full = `${containers.prefix}-${name}`;
  try {
    await docker('run', '--name', full, '--label', 'dev.moat.test=1', '--network', 'none', ...flags, PROBE_IMAGE, ...cmd);
    return 0;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'number') throw e;
    return code;
  } finally {
    await docker('rm', '-f', full).catch(() => undefined);
  }
}

test('a recorded profile runs the workload and blocks a syscall it never made; every setting is verified', async () => {
  const name = await containers.make('work', ['--network', 'none'], { image: PROBE_IMAGE, start: false });
  const lines: string[] = [];
  // A copy left by a moat harden that was killed: Moat's own label, an owner that no longer exists.
  // Left and cleaned up in this file's turn: another file's moat harden would remove it too.
  const stale = `${containers.prefix}-stale-copy`;
  const r = await hardenTurn(async () => {
    await docker('create', '--name', stale, '--label', 'dev.moat.test=1', '--label', 'dev.moat.harden=1', '--label', 'dev.moat.harden.owner=999999999:1', '--network', 'none', PROBE_IMAGE);
    return harden({ target: name, durationMs: 8000, yes: true, onProgress: (l) => lines.push(l) });
  });

  assert.equal((await docker('ps', '-aq', '--filter', `name=${stale}`)).trim(), '', 'the abandoned copy was removed');
  assert.ok(lines.some((l) => /removed .*stale-copy, a copy left by an interrupted moat harden/.test(l)), lines.join('\n'));
  assert.deepEqual(await copiesOf(name), [], "Moat's copies are gone");
  assert.equal(await ratelimitAtRest(), ratelimitBefore, 'the sysctl is restored');
  assert.notEqual(recordingLockOwner(), process.pid, 'the recording lock is released');

  assert.equal(r.recording.behaviour.startsWith('exited with code 0'), true, r.recording.behaviour);
  assert.equal(r.recording.passes.at(-1)?.lost, 0);
  for (const s of ['socket', 'bind', 'listen', 'openat', 'write', 'clock_nanosleep', 'exit_group']) assert.ok(r.recording.syscalls.workload.includes(s), `${s} recorded`);
  assert.equal([...r.recording.syscalls.workload, ...r.recording.syscalls.runtime].includes('mkdir'), false);
  assert.deepEqual(r.verification, [{ without: [], behaved: 'same' }]);
  assert.deepEqual(r.verified, {
    user: '1000:1000',
    capDrop: ['ALL'],
    capAdd: [],
    readOnly: true,
    tmpfs: ['/tmp:uid=1000,gid=1000'],
    noNewPrivileges: true,
    memory: r.proposal.limits.memory,
    pids: r.proposal.limits.pids,
    givenUp: [],
  });
  assert.match(r.proposal.user.because, /account "probe" .* named like its process/);
  assert.ok(r.proposal.limits.observed.samples > 0 && (r.proposal.limits.observed.memory ?? 0) > 0, 'peaks were sampled');
  assert.ok(r.proposal.limits.memory >= (r.proposal.limits.observed.memory ?? 0) * 1.5);

  const profile = join(dir, 'seccomp.json');
  writeFileSync(profile, renderOutputs(r)['seccomp.json']);
  const flags = flagsOf(r, profile);
  assert.equal(await exitCode('profile-runs', flags, ['work']), 0, 'the recorded workload runs under everything proposed');
  assert.equal(await exitCode('profile-blocks', flags, ['work', 'mkdir']), 101, 'mkdir, never made while recording, fails with EPERM (100 + 1)');
  const withoutProfile = flags.slice(0, -2);
  assert.equal(await exitCode('control', withoutProfile, ['work', 'mkdir']), 0, "the same mkdir works under Docker's default profile: the block is the generated profile's");
});

test('the output files: compose override valid for yaml and for the compose door, run flags, profile', async () => {
  const name = await containers.make('files', ['--network', 'none'], { image: PROBE_IMAGE, start: false });
  const r = await harden({ target: name, durationMs: 8000, yes: true });
  const files = renderOutputs(r);
  const doc = parse(files['docker-compose.override.yml']) as { services: Record<string, Record<string, unknown>> };
  const svc = doc.services[name];
  assert.deepEqual(svc, { user: '1000:1000', cap_drop: ['ALL'], security_opt: ['no-new-privileges:true', 'seccomp:./seccomp.json'], read_only: true, tmpfs: ['/tmp:uid=1000,gid=1000'], mem_limit: `${r.verified.memory! / 1048576}m`, pids_limit: r.verified.pids });
  assert.match(files['docker-compose.override.yml'], /^# Generated by moat .* harden from /);
  assert.match(files['docker-compose.override.yml'], /^# {3}Not inferable from the kernel log \(dropped; the verification run shows they are not needed\): DAC_OVERRIDE/m);
  // An override has no image of its own; with the base's image added, the compose door reads every key as meant.
  // The override names ./seccomp.json beside it, as `moat harden` writes them.
  writeFileSync(join(dir, 'seccomp.json'), files['seccomp.json']);
  const spec = containersFromCompose(files['docker-compose.override.yml'].replace(`  ${name}:\n`, `  ${name}:\n    image: ${PROBE_IMAGE}\n`), { file: join(dir, 'docker-compose.override.yml') }).specs[0];
  assert.equal(spec?.user, '1000:1000');
  assert.deepEqual(spec?.capDrop, ['ALL']);
  assert.equal(spec?.readOnlyRootfs, true);
  assert.equal(spec?.security.noNewPrivileges, true);
  // compose sends the profile's content, read relative to the project directory: the door holds what the daemon gets.
  assert.equal(spec?.security.seccomp, files['seccomp.json']);
  assert.equal(spec?.resources.memory, r.verified.memory);
  assert.equal(spec?.resources.pidsLimit, r.verified.pids);
  assert.deepEqual(spec?.mounts.map((m) => [m.type, m.target]), [['tmpfs', '/tmp']]);
  const flags = files['run-flags.txt'].split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(flags, [`--user 1000:1000 --cap-drop ALL --security-opt no-new-privileges --security-opt seccomp=seccomp.json --read-only --tmpfs /tmp:uid=1000,gid=1000 --memory ${r.verified.memory! / 1048576}m --pids-limit ${r.verified.pids}`]);
  const profile = JSON.parse(files['seccomp.json']);
  assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64']);
});

test('a workload that switches users keeps root with the capabilities it needs, and needs each of them', async () => {
  const name = await containers.make('drop', ['--network', 'none'], { image: PROBE_IMAGE, start: false, cmd: ['drop'] });
  const r = await harden({ target: name, durationMs: 8000, yes: true });
  assert.equal(await ratelimitAtRest(), ratelimitBefore);
  assert.deepEqual(r.proposal.capabilities.add.map((c) => `${c.cap}:${c.confidence}`), ['CHOWN:inferred', 'SETGID:inferred', 'SETUID:inferred']);
  assert.equal(r.proposal.user.changed, false);
  assert.match(r.proposal.user.because, /switches users itself \(uids seen: 0, 1000\)/);
  assert.deepEqual(r.verified.capAdd, ['CHOWN', 'SETGID', 'SETUID']);
  assert.deepEqual(r.verification, [{ without: [], behaved: 'same' }]);
  assert.equal(r.verified.user, undefined);
  // Each capability is needed: without SETUID the switch fails (exit 17), without CHOWN the chown (15).
  const profile = join(dir, 'drop-seccomp.json');
  writeFileSync(profile, JSON.stringify(r.proposal.seccomp));
  const flags = flagsOf(r, profile);
  assert.equal(await exitCode('drop-all', flags, ['drop']), 0);
  const without = (cap: string): string[] => flagsOf({ ...r, verified: { ...r.verified, capAdd: r.verified.capAdd?.filter((c) => c !== cap) } }, profile);
  assert.equal(await exitCode('drop-nosetuid', without('SETUID'), ['drop']), 17);
  assert.equal(await exitCode('drop-nochown', without('CHOWN'), ['drop']), 15);
});

test('a long-running workload driven by an exercise inside the copy: the recording ends with the exercise', async () => {
  const name = await containers.make('serve', ['--network', 'none'], { image: PROBE_IMAGE, start: false, cmd: ['serve'] });
  const t0 = Date.now();
  const r = await harden({ target: name, durationMs: 20_000, yes: true, exercise: { exec: ['/probe', 'check'] } });
  assert.ok(Date.now() - t0 < 20_000, 'the exercise ended the runs well before --duration');
  assert.equal(r.recording.behaviour, 'still running at the end of the recording');
  assert.equal(r.recording.exerciseExitCode, 0);
  assert.ok(r.recording.syscalls.workload.includes('connect'), 'the exercise ran inside the copy and was recorded');
  assert.ok(r.recording.syscalls.workload.includes('accept') || r.recording.syscalls.workload.includes('accept4'));
  assert.deepEqual(r.verification.at(-1)?.behaved, 'same');
  assert.deepEqual(await copiesOf(name), []);
});

test('a workload that floods the kernel log is recorded again until a pass loses nothing', async () => {
  const name = await containers.make('flood', ['--network', 'none'], { image: PROBE_IMAGE, start: false, cmd: ['flood'] });
  const r = await harden({ target: name, durationMs: 15_000, yes: true });
  assert.ok(r.recording.passes.length >= 2, JSON.stringify(r.recording.passes));
  assert.ok((r.recording.passes[0]?.lost ?? 0) > 0, 'the first pass lost records');
  assert.equal(r.recording.passes.at(-1)?.lost, 0, 'the last pass lost none');
  assert.ok(r.recording.syscalls.workload.includes('getppid'));
  assert.equal(r.verification.at(-1)?.behaved, 'same');
  assert.equal(await ratelimitAtRest(), ratelimitBefore);
});

test('refusals: a copy that fails at once, a missing container, a privileged one, side effects without consent', async () => {
  const failing = await containers.make('fail', ['--network', 'none'], { image: PROBE_IMAGE, start: false, cmd: ['fail'] });
  await assert.rejects(harden({ target: failing, durationMs: 5000, yes: true }), (e: unknown) => e instanceof MoatError && e.kind === 'incomplete' && /exited with code 3 after \d+\.\d s, so there is no working run to learn from/.test(e.message));
  assert.deepEqual(await copiesOf(failing), []);
  assert.equal(await ratelimitAtRest(), ratelimitBefore);

  await assert.rejects(harden({ target: `${containers.prefix}-nosuch`, yes: true }), (e: unknown) => e instanceof MoatError && e.kind === 'usage' && /no container named or with id/.test(e.message));

  const privileged = await containers.make('priv', ['--privileged', '--network', 'none'], { image: PROBE_IMAGE, start: false });
  await assert.rejects(harden({ target: privileged, yes: true }), /runs --privileged, and Docker applies no seccomp profile/);

  const bridged = await containers.make('bridged', [], { image: PROBE_IMAGE, start: false });
  await assert.rejects(harden({ target: bridged }), (e: unknown) => e instanceof MoatError && e.kind === 'usage' && /joins network "bridge".*pass --yes to accept, or --network none/.test(e.message));
  let asked = 0;
  await assert.rejects(harden({ target: bridged, confirm: () => (asked++, false) }), /cancelled: nothing was created/);
  assert.equal(asked, 1);
  assert.deepEqual(await copiesOf(bridged), [], 'nothing was created without consent');
});

test('compose-file:service copies the container compose created, and says how to create one', async () => {
  const project = `moatharden${process.pid}`;
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, `name: ${project}\nservices:\n  web:\n    image: ${PROBE_IMAGE}\n    network_mode: none\n    command: ["work"]\n`);
  await assert.rejects(harden({ target: `${file}:web`, yes: true }), (e: unknown) => e instanceof MoatError && e.kind === 'usage' && new RegExp(`service "web" of compose project "${project}" has no container yet: create one with docker compose -f .*compose.yaml create web`).test(e.message));
  await assert.rejects(harden({ target: `${file}:db`, yes: true }), /has no service "db" \(services: web\)/);
  // What `docker compose create web` makes (the compose CLI is not installed here): the project's labels.
  const made = await containers.make('compose-web', ['--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.service=web', '--network', 'none'], { image: PROBE_IMAGE, start: false, cmd: ['work'] });
  const r = await harden({ target: `${file}:web`, durationMs: 8000, yes: true });
  assert.equal(r.target.service, 'web');
  assert.equal(r.target.name, made);
  assert.ok(Object.keys((parse(renderOutputs(r)['docker-compose.override.yml']) as { services: object }).services).includes('web'));
  assert.equal(r.verification.at(-1)?.behaved, 'same');
});

test('a host exercise gets the copy in its environment; one that fails against the unmodified copy is refused', async () => {
  const name = await containers.make('hostex', ['--network', 'none'], { image: PROBE_IMAGE, start: false, cmd: ['serve'] });
  const marker = join(dir, 'hostex.env');
  const r = await harden({ target: name, durationMs: 20_000, yes: true, exercise: { host: `echo "$MOAT_HARDEN_NAME" >> ${marker} && docker exec "$MOAT_HARDEN_CONTAINER" /probe check` } });
  assert.equal(r.recording.exerciseExitCode, 0);
  assert.ok(r.recording.syscalls.workload.includes('connect'), 'the check ran in the copy');
  const names = readFileSync(marker, 'utf8').trim().split('\n');
  assert.equal(names.length, r.verification.length + r.recording.passes.length, 'the exercise ran once per copy');
  assert.ok(names.every((n) => n.startsWith(`moat-harden-${name}-`)), names.join(' '));
  await assert.rejects(harden({ target: name, durationMs: 5000, yes: true, exercise: { host: 'exit 4' } }), (e: unknown) => e instanceof MoatError && /the exercise failed against the unmodified copy \(exit code 4\)/.test(e.message));
  assert.deepEqual(await copiesOf(name), []);
});

test('every result is valid against docs/harden.schema.json', () => {
  const validate = compileSchema(readJson(new URL('../docs/harden.schema.json', import.meta.url)) as object);
  assert.ok(results.length >= 6, `${results.length} results`);
  for (const r of results) {
    const doc = JSON.parse(JSON.stringify(r));
    assert.ok(validate(doc), `${r.target.label}: ${JSON.stringify(validate.errors)}`);
  }
  // A document with a field the schema does not know fails: the schema is strict, so it is kept in step with the code.
  assert.equal(validate({ ...JSON.parse(JSON.stringify(results[0])), extra: 1 }), false);
});
