/**
 * `moat harden`: records what a workload really does by running a copy of it under a
 * logging seccomp profile, proposes least-privilege settings from that, and verifies them
 * by running another copy under them. The user's container is never touched.
 *
 * Recording is done in passes. A busy workload makes syscalls faster than the kernel log
 * can be read, and the log drops what it cannot hold; each pass then allows silently what
 * earlier passes saw, so only syscalls not yet seen are logged. A pass that lost nothing
 * proves the set complete for that run.
 */
import { release as kernelRelease } from 'node:os';
import { EngineClient, compareApiVersions, type ClientOptions } from '../../doors/engine/client.ts';
import { MoatError } from '../../util/errors.ts';
import { TOOL_VERSION } from '../../version.ts';
import { COPY_LABEL, COPY_OWNER_LABEL, copyBody, copyRisks, refuseUnrecordable, withSettings, type NetworkChoice } from './copy-body.ts';
import { runCopy, type Ending, type Exercise, type RunResult } from './copy-run.ts';
import { engineKernel, listContainers, removeContainer } from '../../doors/engine/runs.ts';
import { KernelLog } from './kernel-log.ts';
import { propose, relaxations, settingsFor, type Proposal, type Relaxation } from './proposal.ts';
import { acquireRecordingLease, checkRecordingHost, DEFAULT_HOST_PATHS, processStart, type HostPaths, type SysctlChange } from './recording-host.ts';
import { resolveTarget } from './resolve-target.ts';
import { RUNTIME_SYSCALLS } from './runtime-syscalls.ts';
import { buildProfile, recordingProfile, type SeccompProfile } from './seccomp-profile.ts';
import type { ObservedSyscall } from './seccomp-collector.ts';
import { nameSyscall, type Arch } from './syscalls.ts';
import type { HardenTarget } from './target.ts';

export const HARDEN_SCHEMA_VERSION = '1.0.0';

export interface HardenOptions {
  /** A container name or id, or `compose-file:service`. */
  target: string;
  client?: EngineClient;
  engine?: ClientOptions;
  /** How long each run of a copy lasts unless it exits first (default 30 s). */
  durationMs?: number;
  /** Drives the copy while it runs; the recording of a pass ends when it finishes. */
  exercise?: Exercise;
  /** `none` runs the copies without a network (no side effects through it). Default: the original's networks. */
  network?: NetworkChoice;
  /** Accept the side effects the plan lists without asking. */
  yes?: boolean;
  /** Asked when the plan has side effects and `yes` is not set; without it such plans are refused. */
  confirm?: (plan: HardenPlan) => boolean | Promise<boolean>;
  signal?: AbortSignal;
  /** Progress (`step`) and changes to the host Moat makes or undoes (`host`: always worth showing), one line each. */
  onProgress?: (line: string, kind: 'step' | 'host') => void;
  exerciseOutput?: NodeJS.WritableStream;
  /** For the host exercise's environment and compose interpolation. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Recording passes before giving up on a workload that floods the kernel log (default 4). */
  maxPasses?: number;
  /** Where the host's sysctls, /proc and kernel log are (tests point them elsewhere). */
  hostPaths?: HostPaths;
}

export interface HardenPlan {
  target: string;
  /** What running a copy could affect outside it. */
  risks: string[];
  /** The host setting Moat changes during the recording (restored afterwards). */
  sysctl?: SysctlChange;
}

export interface PassSummary {
  records: number;
  lost: number;
  foreign: number;
  /** Pids attributed to the copy because they had exited before their cgroup could be checked. */
  byElimination: number;
  /** Syscalls this pass saw that earlier passes had not. */
  newSyscalls: number;
}

export interface VerificationAttempt {
  /** The settings given up for this run (empty: the full proposal). */
  without: string[];
  behaved: 'same' | 'differently';
  why?: string;
}

export interface HardenResult {
  schemaVersion: string;
  tool: { name: 'moat'; version: string };
  target: { label: string; name: string; id: string; image: string; service: string };
  recordedAt: string;
  recording: {
    durationMs: number;
    network: NetworkChoice;
    passes: PassSummary[];
    behaviour: string;
    exerciseExitCode?: number | null;
    syscalls: { workload: string[]; runtime: string[]; unknown: Array<{ arch: string; number: number }> };
    sysctl?: SysctlChange;
  };
  proposal: Proposal;
  /** The settings the last successful verification run used: what the output files hold. */
  verified: {
    user?: string;
    capDrop?: string[];
    capAdd?: string[];
    readOnly: boolean;
    tmpfs: string[];
    noNewPrivileges: boolean;
    memory?: number;
    pids?: number;
    /** Settings given up because the workload did not behave the same under them. */
    givenUp: string[];
  };
  verification: VerificationAttempt[];
  notes: string[];
}

const DEFAULT_DURATION_MS = 30_000;
const MAX_DURATION_MS = 60 * 60_000;

export async function harden(opts: HardenOptions): Promise<HardenResult> {
  const durationMs = opts.durationMs ?? DEFAULT_DURATION_MS;
  if (!Number.isInteger(durationMs) || durationMs < 1000 || durationMs > MAX_DURATION_MS) {
    throw new MoatError('usage', `duration must be between 1 s and 60 min (got ${durationMs} ms)`);
  }
  const network = opts.network ?? 'same';
  const progress = (line: string, kind: 'step' | 'host' = 'step'): void => opts.onProgress?.(line, kind);
  const paths = opts.hostPaths ?? DEFAULT_HOST_PATHS;
  // Refusals that need no engine come first: nothing is created for a recording that cannot happen.
  const pre = checkRecordingHost(paths);
  const client = opts.client ?? (await EngineClient.connect(opts.engine));
  try {
    const kernel = await engineKernel(client);
    if (kernel && kernel !== kernelRelease()) {
      throw new MoatError(
        'incomplete',
        `the engine at ${client.endpoint.display} runs on kernel ${kernel}, this machine on ${kernelRelease()}: its containers' syscalls are logged by another kernel; run moat harden on the engine's host`,
      );
    }
    const target = await resolveTarget(client, opts.target, { cwd: opts.cwd, env: opts.env });
    refuseUnrecordable(target, network);
    const plan: HardenPlan = { target: opts.target, risks: copyRisks(target.spec, network), sysctl: pre.sysctl };
    if ((plan.risks.length > 0 || plan.sysctl) && !opts.yes) {
      if (!opts.confirm) throw new MoatError('usage', `moat harden would run a copy of ${opts.target} with side effects (${describePlan(plan)}): pass --yes to accept${network === 'same' && plan.risks.length ? ', or --network none to cut the copy off' : ''}`);
      if (!(await opts.confirm(plan))) throw new MoatError('usage', 'cancelled: nothing was created');
    }
    await removeAbandonedCopies(client, paths, progress);
    // Docker 20.10 (API 1.41) sets net.ipv4.ip_unprivileged_port_start=0 in a container's own network namespace; the host's keeps 1024.
    const unprivilegedPorts = compareApiVersions(client.apiVersion, '1.41') >= 0 && target.spec.namespaces.network !== 'host';
    const owner = `${process.pid}:${processStart(paths, process.pid) ?? ''}`;
    const common = { client, durationMs, exercise: opts.exercise, exerciseOutput: opts.exerciseOutput, env: opts.env, signal: opts.signal, extraNetworks: network === 'none' ? [] : target.extraNetworks };
    const base = (seccomp: SeccompProfile) => copyBody(target, { seccomp: JSON.stringify(seccomp), network, owner, originalId: target.spec.id });

    const rec = await record(target, { ...common, base, paths, maxPasses: opts.maxPasses ?? 4, progress });
    const names = nameAll(rec.syscalls);
    const observation = {
      workloadSyscalls: new Set(names.workload),
      run: rec.final,
      peaks: rec.peaks,
      uids: rec.uids,
      gids: rec.gids,
      comms: rec.comms,
      sockets: rec.final.processes.sockets,
      changes: rec.changes,
      unprivilegedPorts,
    };
    const underDefault = target.spec.security.seccomp === undefined;
    const allowed = new Set([...names.workload, ...names.runtime, ...RUNTIME_SYSCALLS]);
    const seccompFor = (caps: string[]): SeccompProfile => buildProfile({ names: allowed, archs: names.archs, caps, underDefaultProfile: underDefault });
    const proposal = propose(target, observation, seccompFor);

    const verifiedRun = await verify(target, proposal, rec.final, { ...common, base, progress });
    const notes = [...target.notes, ...rec.notes];
    if (rec.unattributed > 0) notes.push(`${rec.unattributed} seccomp records came from processes in other cgroups and were left out`);
    if (rec.byElimination > 0) notes.push(`${rec.byElimination} short-lived processes had exited before Moat could check their cgroup; their syscalls were counted as the copy's (nothing else was being recorded)`);
    if (names.unknown.length) notes.push(`syscall numbers ${names.unknown.map((u) => `${u.arch}:${u.number}`).join(', ')} have no name in Moat's table (Linux 6.1 headers) and cannot be allowed by name; the verification run shows whether the workload needs them`);
    if (proposal.capabilities.note && !verifiedRun.given.has('user')) notes.push(proposal.capabilities.note);
    notes.push(...composeMergeNotes(target, proposal));
    const s = settingsFor(proposal, verifiedRun.given);
    return {
      schemaVersion: HARDEN_SCHEMA_VERSION,
      tool: { name: 'moat', version: TOOL_VERSION },
      target: { label: opts.target, name: target.spec.name, id: target.spec.id, image: target.spec.image, service: target.service },
      recordedAt: rec.startedAt,
      recording: {
        durationMs,
        network,
        passes: rec.passes,
        behaviour: describeEnding(rec.final.ending),
        exerciseExitCode: rec.final.exercise?.exitCode,
        syscalls: { workload: names.workload, runtime: names.runtime, unknown: names.unknown },
        sysctl: rec.sysctl,
      },
      proposal,
      verified: {
        user: s.user,
        capDrop: s.capDrop,
        capAdd: s.capAdd,
        readOnly: s.readOnly === true,
        tmpfs: s.tmpfs ?? [],
        noNewPrivileges: s.noNewPrivileges === true,
        memory: s.memory,
        pids: s.pids,
        givenUp: relaxations(proposal).filter((r) => verifiedRun.given.has(r.id)).map((r) => r.what),
      },
      verification: verifiedRun.attempts,
      notes,
    };
  } catch (e) {
    // An abort surfaces as whatever call it interrupted; the copies were removed on the way out (an error says so when one could not be).
    if (opts.signal?.aborted && !(e instanceof MoatError && e.message.includes('docker rm -f'))) {
      throw new MoatError('incomplete', 'interrupted: the copies Moat made were removed and nothing was written', { cause: e });
    }
    throw e;
  } finally {
    if (!opts.client) client.close();
  }
}

interface CommonRun {
  client: EngineClient;
  durationMs: number;
  exercise?: Exercise;
  exerciseOutput?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  extraNetworks: readonly string[];
  base: (seccomp: SeccompProfile) => ReturnType<typeof copyBody>;
  progress: (line: string, kind?: 'step' | 'host') => void;
}

interface Recording {
  startedAt: string;
  sysctl?: SysctlChange;
  passes: PassSummary[];
  syscalls: Map<string, ObservedSyscall>;
  final: RunResult;
  peaks: RunResult['peaks'];
  uids: Set<number>;
  gids: Set<number>;
  comms: Set<string>;
  changes: RunResult['changes'];
  notes: string[];
  unattributed: number;
  byElimination: number;
}

async function record(t: HardenTarget, o: CommonRun & { paths: HostPaths; maxPasses: number }): Promise<Recording> {
  const lease = await acquireRecordingLease({ paths: o.paths, signal: o.signal, onWait: (pid) => o.progress(`waiting for another moat harden recording (pid ${pid}) to finish`) });
  for (const n of lease.notes) o.progress(n, 'host');
  const noted = lease.notes.length;
  let log: KernelLog;
  try {
    log = KernelLog.open(o.paths.kmsg);
  } catch (e) {
    lease.release();
    throw e;
  }
  const startedAt = new Date().toISOString();
  const syscalls = new Map<string, ObservedSyscall>();
  const passes: PassSummary[] = [];
  const uids = new Set<number>();
  const gids = new Set<number>();
  const comms = new Set<string>();
  const changes = new Map<string, RunResult['changes'][number]>();
  const peaks: RunResult['peaks'] = { samples: 0 };
  let unattributed = 0;
  let byElimination = 0;
  try {
    for (let pass = 1; ; pass++) {
      const seen = [...new Set([...syscalls.values()].flatMap((s) => names(s)))];
      const name = copyName(t, pass === 1 ? 'rec' : `rec${pass}`);
      o.progress(`recording${pass > 1 ? ` (pass ${pass}, ${seen.length} syscalls already seen allowed silently)` : ''}: copy ${name}, ${o.durationMs / 1000} s or until it exits${o.exercise ? ' or the exercise ends' : ''}`);
      const run = await runCopy({ ...o, body: o.base(recordingProfile(seen)), name, record: log, readPasswd: true });
      refuseFailedRecording(t, run);
      const c = run.collector;
      if (!c) throw new Error('a recording run has no collector');
      let fresh = 0;
      for (const [k, s] of c.syscalls) {
        const prev = syscalls.get(k);
        if (!prev) {
          fresh++;
          syscalls.set(k, s);
        } else {
          prev.count += s.count;
          for (const x of s.comms) prev.comms.add(x);
          prev.workload ||= s.workload;
        }
      }
      if (c.stats.records === 0 && pass === 1) {
        throw new MoatError(
          'incomplete',
          `the kernel logged no seccomp record for the copy, so nothing could be recorded: is kernel auditing disabled (audit=0 on the kernel command line) or another process registered as the audit daemon?`,
        );
      }
      passes.push({ records: c.stats.records, lost: c.stats.lost, foreign: c.stats.foreign, byElimination: c.stats.byElimination.size, newSyscalls: fresh });
      unattributed += c.stats.foreign;
      byElimination += c.stats.byElimination.size;
      for (const f of run.processes.known.values()) {
        for (const u of f.uids) uids.add(u);
        for (const g of f.gids) gids.add(g);
        if (f.comm) comms.add(f.comm);
      }
      for (const ch of run.changes) changes.set(ch.path, ch);
      peaks.samples += run.peaks.samples;
      peaks.memory = Math.max(peaks.memory ?? 0, run.peaks.memory ?? 0) || undefined;
      peaks.pids = Math.max(peaks.pids ?? 0, run.peaks.pids ?? 0) || undefined;
      if (c.stats.lost === 0) {
        return { startedAt, sysctl: lease.sysctl, passes, syscalls, final: run, peaks, uids, gids, comms, changes: [...changes.values()], notes: lease.notes.slice(noted), unattributed, byElimination };
      }
      if (pass >= o.maxPasses) {
        throw new MoatError(
          'incomplete',
          `the kernel log dropped ${c.stats.lost} records in pass ${pass} of ${o.maxPasses}: the workload made new syscalls faster than they could be read; run moat harden again with a shorter --duration or a lighter exercise (or --max-passes)`,
        );
      }
      o.progress(`the kernel log dropped ${c.stats.lost} records in pass ${pass}: recording again`);
    }
  } finally {
    log.close();
    lease.release();
    for (const n of lease.notes.slice(noted)) o.progress(n, 'host');
  }
}

/** A recording only means something if the copy did its work: a crash, an OOM kill or a failed exercise is refused. */
function refuseFailedRecording(t: HardenTarget, run: RunResult): void {
  const e = run.ending;
  if (e.kind === 'start-failed') throw new MoatError('incomplete', `the copy of ${t.label} did not start: ${e.message}`);
  if (e.kind === 'exited' && (e.exitCode !== 0 || e.oomKilled)) {
    throw new MoatError(
      'incomplete',
      `the copy of ${t.label} ${e.oomKilled ? 'was killed for exceeding its memory limit' : `exited with code ${e.exitCode}`} after ${(e.afterMs / 1000).toFixed(1)} s, so there is no working run to learn from: check that it works beside the original (docker logs ${t.spec.name}; it may need the original's ports, locks or state), then run moat harden again`,
    );
  }
  const x = run.exercise;
  if (x && (x.killed || x.exitCode !== 0)) {
    throw new MoatError(
      'incomplete',
      x.killed
        ? `the exercise was still running when ${e.kind === 'exited' ? 'the copy exited' : 'the --duration ended'}: give a longer --duration, or an exercise that ends`
        : `the exercise failed against the unmodified copy (exit code ${x.exitCode ?? 'none: it could not run'}), so the recording shows no working run: fix the exercise, then run moat harden again`,
    );
  }
}

async function verify(
  t: HardenTarget,
  p: Proposal,
  recorded: RunResult,
  o: CommonRun,
): Promise<{ given: Set<Relaxation['id']>; attempts: VerificationAttempt[] }> {
  const given = new Set<Relaxation['id']>();
  const attempts: VerificationAttempt[] = [];
  const order = relaxations(p);
  for (let i = 0; ; i++) {
    const name = copyName(t, `verify${i + 1}`);
    const without = order.filter((r) => given.has(r.id)).map((r) => r.what);
    o.progress(`verifying${without.length ? ` without ${without.join(', ')}` : ' the proposal'}: copy ${name}`);
    const run = await runCopy({ ...o, body: withSettings(o.base(p.seccomp), settingsFor(p, given)), name });
    const why = difference(recorded, run);
    attempts.push({ without, behaved: why ? 'differently' : 'same', ...(why ? { why } : {}) });
    if (!why) return { given, attempts };
    const next = order.find((r) => !given.has(r.id));
    if (!next) {
      throw new MoatError(
        'incomplete',
        `the generated seccomp profile does not run ${t.label} as recorded (${why}), even with every other setting given up: the recording missed something it does (a rarely used path? see the verification attempts); run moat harden again with a longer --duration or an --exercise that covers it`,
      );
    }
    o.progress(`it behaved differently (${why}): trying again without ${next.what}`);
    given.add(next.id);
  }
}

/** Why a verification run did not behave like the recording, or undefined when it did. */
export function difference(recorded: RunResult, run: RunResult): string | undefined {
  const a = recorded.ending;
  const b = run.ending;
  if (b.kind === 'start-failed') return `it did not start: ${b.message}`;
  if (a.kind === 'exited') {
    if (b.kind !== 'exited') return `it was still running after the recording's copy had exited with ${a.exitCode}`;
    if (b.oomKilled) return 'it was killed for exceeding the memory limit';
    if (b.exitCode !== a.exitCode) return `it exited with code ${b.exitCode}, the recorded copy with ${a.exitCode}`;
  } else if (a.kind === 'running') {
    if (b.kind === 'exited') return `it exited with code ${b.exitCode}${b.oomKilled ? ' (out of memory)' : ''} after ${(b.afterMs / 1000).toFixed(1)} s; the recorded copy kept running`;
    if (b.kind === 'running' && a.health === 'healthy' && b.health !== 'healthy') return `its health check reported ${b.health ?? 'nothing'}, the recorded copy's healthy`;
  }
  const ea = recorded.exercise;
  const eb = run.exercise;
  if (ea && eb) {
    if (eb.killed) return 'the exercise did not finish in time';
    if (eb.exitCode !== ea.exitCode) return `the exercise exited with code ${eb.exitCode ?? 'none'}, against the recorded copy with ${ea.exitCode}`;
  }
  return undefined;
}

function describeEnding(e: Ending): string {
  if (e.kind === 'exited') return `exited with code ${e.exitCode} after ${(e.afterMs / 1000).toFixed(1)} s`;
  if (e.kind === 'running') return `still running at the end of the recording${e.health ? ` (health: ${e.health})` : ''}`;
  return `did not start: ${e.message}`;
}

function describePlan(plan: HardenPlan): string {
  const parts = [...plan.risks];
  if (plan.sysctl) parts.push(`Moat sets ${plan.sysctl.name}=${plan.sysctl.to} (now ${plan.sysctl.from}) while recording and restores it`);
  return parts.join('; ');
}

function names(s: ObservedSyscall): string[] {
  const n = nameSyscall(s.arch, s.nr);
  return n.name === undefined ? [] : [n.name];
}

function nameAll(syscalls: ReadonlyMap<string, ObservedSyscall>): { workload: string[]; runtime: string[]; unknown: Array<{ arch: string; number: number }>; archs: Set<Arch> } {
  const workload = new Set<string>();
  const runtime = new Set<string>();
  const unknown: Array<{ arch: string; number: number }> = [];
  const archs = new Set<Arch>();
  for (const s of syscalls.values()) {
    const n = nameSyscall(s.arch, s.nr);
    if (n.name === undefined) {
      unknown.push({ arch: n.arch, number: s.nr });
      continue;
    }
    archs.add(n.arch);
    (s.workload ? workload : runtime).add(n.name);
  }
  for (const w of workload) runtime.delete(w);
  return { workload: [...workload].sort(), runtime: [...runtime].sort(), unknown, archs };
}

/** An override cannot take items out of the base file's lists; say which ones the user must remove by hand. */
function composeMergeNotes(t: HardenTarget, p: Proposal): string[] {
  const out: string[] = [];
  const extra = t.spec.capAdd.filter((c) => !p.capabilities.add.some((a) => a.cap === c));
  if (extra.length) out.push(`the original adds capabilities ${extra.join(', ')}: compose merges cap_add lists, so remove them from the base file (an override cannot)`);
  if (t.spec.security.seccomp !== undefined) out.push(`the original sets seccomp=${t.spec.security.seccomp.length > 40 ? '(inline profile)' : t.spec.security.seccomp}: remove it from the base file's security_opt so the generated profile applies`);
  return out;
}

function copyName(t: HardenTarget, role: string): string {
  const base = t.spec.name.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 40) || 'workload';
  return `moat-harden-${base}-${role}-${Math.random().toString(16).slice(2, 8)}`;
}


/** Copies left by a moat harden that was killed (SIGKILL, a crash): Moat's own, found by label, removed when their owner is gone. */
async function removeAbandonedCopies(client: EngineClient, paths: HostPaths, progress: (line: string, kind: 'step' | 'host') => void): Promise<void> {
  for (const c of await listContainers(client, [`${COPY_LABEL}=1`])) {
    const [pid, start] = (c.Labels?.[COPY_OWNER_LABEL] ?? '').split(':');
    if (!pid || !/^\d+$/.test(pid)) continue;
    if (processStart(paths, Number(pid)) === start) continue;
    // Said only by the run that removed it: another one may be cleaning up beside this one.
    if (!(await removeContainer(client, c.Id))) continue;
    progress(`removed ${c.Names?.[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)}, a copy left by an interrupted moat harden`, 'host');
  }
}
