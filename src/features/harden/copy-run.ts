/**
 * One run of a copy: create, start, watch (state, stats, processes, sockets, and the kernel
 * log when recording), drive it with the exercise, stop it gracefully (its shutdown path is
 * part of what it does), collect what it wrote, remove it. The copy is removed on every
 * path out, including an abort (Ctrl-C); if the engine is gone by then, the error names
 * the copy left behind.
 */
import { spawn } from 'node:child_process';
import type { EngineClient } from '../../doors/engine/client.ts';
import { EngineError } from '../../doors/engine/errors.ts';
import { MoatError } from '../../util/errors.ts';
import { CopyProcesses } from './copy-processes.ts';
import {
  connectNetwork,
  containerChanges,
  createContainer,
  execInCopy,
  inspectState,
  readContainerFile,
  removeContainer,
  sampleStats,
  startContainer,
  stopContainer,
  type Change,
  type CopyState,
} from '../../doors/engine/runs.ts';
import type { KernelLog } from './kernel-log.ts';
import { SeccompCollector } from './seccomp-collector.ts';
import type { CreateBody } from './target.ts';

export interface Exercise {
  /** A shell command Moat runs on the host while the copy runs (`/bin/sh -c`). */
  host?: string;
  /** A command run inside the copy (`docker exec`). */
  exec?: string[];
}

export interface RunRequest {
  client: EngineClient;
  body: CreateBody;
  extraNetworks: readonly string[];
  name: string;
  durationMs: number;
  exercise?: Exercise;
  /** Where the host exercise's output goes; discarded by default. */
  exerciseOutput?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Record the syscalls from this kernel log. */
  record?: KernelLog;
  /** Read the copy's /etc/passwd before removing it. */
  readPasswd?: boolean;
  stopGraceSeconds?: number;
}

export type Ending =
  /** The copy exited by itself within the window. */
  | { kind: 'exited'; exitCode: number; afterMs: number; oomKilled: boolean }
  /** Still running when the window ended (Moat then stopped it). */
  | { kind: 'running'; health?: string }
  /** The engine could not start it (e.g. the runtime was refused a syscall). */
  | { kind: 'start-failed'; message: string };

export interface ExerciseResult {
  exitCode: number | null;
  /** Still running when the copy exited or the window ended; Moat killed it. */
  killed: boolean;
}

export interface RunResult {
  id: string;
  ending: Ending;
  exercise?: ExerciseResult;
  peaks: { memory?: number; pids?: number; samples: number };
  changes: Change[];
  processes: CopyProcesses;
  collector?: SeccompCollector;
  passwd?: string;
  /** 127.0.0.1 addresses of the copy's published ports, `80/tcp` → `127.0.0.1:49153`. */
  ports: Record<string, string>;
}

const POLL_MS = 200;
const SAMPLE_MS = 500;
const PASSWD_MAX = 1024 * 1024;

export async function runCopy(req: RunRequest): Promise<RunResult> {
  const { client } = req;
  const id = await createContainer(client, req.name, req.body);
  let result: RunResult | undefined;
  let failure: unknown;
  try {
    for (const n of req.extraNetworks) await connectNetwork(client, n, id);
    result = await observe(req, id);
  } catch (e) {
    failure = e;
  }
  try {
    await removeContainer(client, id);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new MoatError('incomplete', `${failure instanceof Error ? `${failure.message}; ` : ''}the copy ${req.name} could not be removed (${why}): remove it with docker rm -f ${req.name}`, { cause: failure ?? e });
  }
  if (failure !== undefined || result === undefined) throw failure;
  return result;
}

async function observe(req: RunRequest, id: string): Promise<RunResult> {
  const procs = new CopyProcesses(id);
  const collector = req.record ? new SeccompCollector(req.record, procs) : undefined;
  const startedAt = Date.now();
  collector?.start(startedAt - 50);
  try {
    return await observeStarted(req, id, procs, collector, startedAt);
  } finally {
    collector?.stop();
  }
}

async function observeStarted(req: RunRequest, id: string, procs: CopyProcesses, collector: SeccompCollector | undefined, startedAt: number): Promise<RunResult> {
  const { client, signal } = req;
  const peaks: RunResult['peaks'] = { samples: 0 };
  try {
    await startContainer(client, id);
  } catch (e) {
    if (e instanceof EngineError && e.kind === 'http') return { id, ending: { kind: 'start-failed', message: e.message }, peaks, changes: [], processes: procs, collector, ports: {} };
    throw e;
  }
  let state = await mustInspect(client, id, req.name);
  if (state.State.Running && state.State.Pid > 0 && !procs.attach(state.State.Pid)) {
    throw new MoatError(
      'incomplete',
      `the copy's process (pid ${state.State.Pid}) is not in this machine's /proc: the engine at ${client.endpoint.display} runs containers on another kernel (a remote DOCKER_HOST, a VM), whose kernel log Moat cannot read; run moat harden on the engine's host`,
    );
  }
  const ports = publishedPorts(state);
  const exercise = startExercise(req, id, ports);
  let ending: Ending | undefined;
  let lastSample = 0;
  try {
    const deadline = startedAt + req.durationMs;
    for (;;) {
      signal?.throwIfAborted();
      if (Date.now() - lastSample >= SAMPLE_MS && state.State.Running) {
        lastSample = Date.now();
        const s = await sampleStats(client, id);
        if (s) {
          peaks.samples++;
          peaks.memory = Math.max(peaks.memory ?? 0, s.memory, s.memoryMax ?? 0);
          peaks.pids = Math.max(peaks.pids ?? 0, s.pids);
        }
        procs.pollSockets();
      }
      procs.poll();
      if (!state.State.Running) {
        ending = { kind: 'exited', exitCode: state.State.ExitCode, afterMs: elapsed(state, startedAt), oomKilled: state.State.OOMKilled === true };
        break;
      }
      if (exercise?.done) break;
      if (Date.now() >= deadline) break;
      await abortableSleep(POLL_MS, signal);
      state = await mustInspect(client, id, req.name);
    }
  } finally {
    exercise?.kill();
  }
  const exerciseResult = exercise ? await exercise.result : undefined;
  if (!ending) {
    const health = state.State.Health?.Status;
    await stopContainer(client, id, req.stopGraceSeconds ?? 10);
    ending = { kind: 'running', health };
  }
  await collector?.finish(Date.now());
  const changes = await containerChanges(client, id);
  const passwd = req.readPasswd ? (await readContainerFile(client, id, '/etc/passwd', PASSWD_MAX))?.toString('utf8') : undefined;
  return { id, ending, exercise: exerciseResult, peaks, changes, processes: procs, collector, passwd, ports };
}

async function mustInspect(client: EngineClient, id: string, name: string): Promise<CopyState> {
  const s = await inspectState(client, id);
  if (!s) throw new MoatError('incomplete', `the copy ${name} disappeared while Moat was recording it (removed by someone else?): run moat harden again`);
  return s;
}

function elapsed(s: CopyState, startedAt: number): number {
  const started = Date.parse(s.State.StartedAt ?? '');
  const finished = Date.parse(s.State.FinishedAt ?? '');
  return Number.isFinite(started) && Number.isFinite(finished) && finished >= started ? finished - started : Date.now() - startedAt;
}

function publishedPorts(s: CopyState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [port, bindings] of Object.entries(s.NetworkSettings?.Ports ?? {})) {
    const b = (bindings ?? []).find((x) => x.HostIp === '127.0.0.1' && x.HostPort);
    if (b) out[port] = `127.0.0.1:${b.HostPort}`;
  }
  return out;
}

interface RunningExercise {
  done: boolean;
  result: Promise<ExerciseResult>;
  kill(): void;
}

function startExercise(req: RunRequest, id: string, ports: Record<string, string>): RunningExercise | undefined {
  const ex = req.exercise;
  if (!ex?.host && !ex?.exec) return undefined;
  const control = new AbortController();
  const handle: RunningExercise = { done: false, result: Promise.resolve({ exitCode: null, killed: false }), kill: () => control.abort() };
  if (ex.exec) {
    handle.result = execInCopy(req.client, id, ex.exec, { signal: AbortSignal.any([control.signal, ...(req.signal ? [req.signal] : [])]) }).then(
      (exitCode) => {
        handle.done = true;
        return { exitCode, killed: false };
      },
      (e: unknown) => {
        handle.done = true;
        if (control.signal.aborted) return { exitCode: null, killed: true };
        // The copy exited under the exec, or the engine refused it: the exercise did not succeed.
        if (e instanceof EngineError && e.kind === 'http') return { exitCode: null, killed: false };
        throw e;
      },
    );
    return handle;
  }
  const env: NodeJS.ProcessEnv = { ...(req.env ?? process.env), MOAT_HARDEN_CONTAINER: id, MOAT_HARDEN_NAME: req.name, MOAT_HARDEN_PORTS: Object.entries(ports).map(([p, a]) => `${p}=${a}`).join(',') };
  for (const [p, a] of Object.entries(ports)) env[`MOAT_HARDEN_PORT_${p.replace('/', '_').toUpperCase()}`] = a;
  const child = spawn('/bin/sh', ['-c', ex.host as string], { env, detached: true, stdio: ['ignore', req.exerciseOutput ? 'pipe' : 'ignore', req.exerciseOutput ? 'pipe' : 'ignore'] });
  if (req.exerciseOutput) {
    child.stdout?.pipe(req.exerciseOutput, { end: false });
    child.stderr?.pipe(req.exerciseOutput, { end: false });
  }
  let killed = false;
  handle.kill = () => {
    if (handle.done || child.pid === undefined) return;
    killed = true;
    try {
      process.kill(-child.pid, 'SIGTERM'); // its whole process group: the shell and what it started
    } catch {
      /* already gone */
    }
  };
  handle.result = new Promise((resolve) => {
    child.on('error', () => {
      handle.done = true;
      resolve({ exitCode: null, killed: false });
    });
    child.on('close', (code) => {
      handle.done = true;
      resolve({ exitCode: code, killed });
    });
  });
  return handle;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
