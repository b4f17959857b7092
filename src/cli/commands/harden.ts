import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { HardenPlan, HardenResult } from '../../features/harden/harden.ts';
import { MoatError } from '../../util/errors.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOutput } from '../output.ts';
import type { CommandIO } from './audit.ts';

export const HARDEN_HELP = `Usage: moat harden CONTAINER | COMPOSE-FILE:SERVICE [options]

Runs a copy of the workload (same image and configuration; the original is never
touched) under a seccomp profile that logs every syscall, then proposes least-privilege
settings and verifies them by running another copy under them: the capabilities it needs
(starting from none), a seccomp profile of the syscalls it made, a read-only root with
tmpfs where it writes, no-new-privileges, a non-root user, memory and PIDs limits.

The copy shares the original's networks and volumes unless told otherwise: it can talk
to the same databases and change the same data. Moat asks first (or needs --yes).
Recording needs root on the engine's host (it reads the kernel log) and sets
kernel.printk_ratelimit=0 while it records (restored afterwards).

Options:
  -d, --duration TIME       how long each copy runs unless it exits first (default 30s; 500ms, 2m)
      --exercise CMD        a shell command run on this host while the copy runs, e.g. a
                            test client; MOAT_HARDEN_PORTS lists the copy's ports on 127.0.0.1
      --exercise-exec CMD   a command run inside the copy (sh -c CMD, or a JSON array)
      --network same|none   none: the copies get no network (default same as the original)
  -o, --output-dir DIR      write docker-compose.override.yml, run-flags.txt and seccomp.json
                            to DIR (default: print them)
  -f, --format text|json    json: the whole result for tools, on standard output
  -y, --yes                 accept the copy's side effects without asking
      --max-passes N        recording passes for workloads that flood the kernel log (default 4)
  -H, --host URL            engine (default: DOCKER_HOST, else unix:///var/run/docker.sock)
      --timeout MS          per-request engine timeout (default 15000)
  -h, --help                show this help

Exit codes: 0 settings written or printed, 2 usage error or not confirmed,
3 the recording or the verification could not complete (nothing is written).`;

const OPTIONS = {
  duration: { type: 'string', short: 'd' },
  exercise: { type: 'string' },
  'exercise-exec': { type: 'string' },
  network: { type: 'string' },
  'output-dir': { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f' },
  yes: { type: 'boolean', short: 'y' },
  'max-passes': { type: 'string' },
  host: { type: 'string', short: 'H' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface HardenIO extends CommandIO {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export async function hardenCommand(argv: string[], io: HardenIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('harden', argv, OPTIONS, true);
  if (values.help) {
    io.stdout.write(HARDEN_HELP + '\n');
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new MoatError('usage', `harden takes one CONTAINER or COMPOSE-FILE:SERVICE${positionals.length ? `, not ${positionals.length}` : ''} (see moat harden --help)`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new MoatError('usage', `unknown --format "${format}" for harden: use text or json`);
  const network = values.network ?? 'same';
  if (network !== 'same' && network !== 'none') throw new MoatError('usage', `unknown --network "${network}": use same or none`);
  if (values.exercise !== undefined && values['exercise-exec'] !== undefined) throw new MoatError('usage', 'give --exercise or --exercise-exec, not both');
  const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
  const maxPasses = values['max-passes'] === undefined ? undefined : parseCount('--max-passes', values['max-passes'], 1, 20);
  const timeoutMs = values.timeout === undefined ? undefined : parseCount('--timeout', values.timeout, 1, 3_600_000);
  const outDir = values['output-dir'] === undefined ? undefined : resolve(io.cwd, values['output-dir']);

  const { harden } = await import('../../features/harden/harden.ts');
  const { renderOutputs, OUTPUT_FILES } = await import('../../features/harden/render.ts');
  const { resolveEndpoint } = await import('../../doors/engine/endpoint.ts');
  const stdin = io.stdin ?? process.stdin;
  const verbose = io.stderr.isTTY === true;

  // Ctrl-C stops the recording; harden removes its copies and restores the host on the way out.
  const control = new AbortController();
  const onSignal = (): void => {
    if (!control.signal.aborted) io.stderr.write('moat: interrupted: removing the copy and restoring the host...\n');
    control.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: HardenResult;
  try {
    result = await harden({
      target: positionals[0] as string,
      engine: { endpoint: resolveEndpoint(io.env, values.host), timeoutMs },
      durationMs,
      exercise: values.exercise !== undefined ? { host: values.exercise } : values['exercise-exec'] !== undefined ? { exec: parseExecCommand(values['exercise-exec']) } : undefined,
      network,
      yes: values.yes === true,
      confirm: stdin.isTTY && io.stderr.isTTY ? (plan) => ask(plan, stdin, io.stderr) : undefined,
      signal: control.signal,
      onProgress: (line, kind) => {
        if (kind === 'host' || verbose) io.stderr.write(`moat: ${line}\n`);
      },
      exerciseOutput: verbose ? io.stderr : undefined,
      env: io.env,
      cwd: io.cwd,
      maxPasses,
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const files = renderOutputs(result);
  if (outDir) {
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (e) {
      throw new MoatError('usage', `cannot create --output-dir ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    for (const name of OUTPUT_FILES) writeOutput(join(outDir, name), files[name], '--output-dir file');
  }
  if (format === 'json') io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else if (outDir) io.stdout.write(summary(result, outDir));
  else for (const name of OUTPUT_FILES) io.stdout.write(`==> ${name} <==\n${files[name]}${files[name].endsWith('\n') ? '' : '\n'}\n`);
  return EXIT.ok;
}

function summary(r: HardenResult, dir: string): string {
  const v = r.verified;
  const lines = [
    `Hardened ${r.target.label}: ${r.recording.syscalls.workload.length + r.recording.syscalls.runtime.length} syscalls allowed; capabilities ${v.capDrop ? (v.capAdd?.length ? v.capAdd.join(', ') : 'none') : 'unchanged'}; user ${v.user ?? 'unchanged'}; ${v.readOnly ? `read-only root${v.tmpfs.length ? ` with tmpfs ${v.tmpfs.join(', ')}` : ''}` : 'writable root'}; memory ${v.memory !== undefined ? `${Math.round(v.memory / 1048576)} MiB` : 'unlimited'}, pids ${v.pids ?? 'unlimited'}.`,
    v.givenUp.length ? `Given up (the workload behaved differently under them): ${v.givenUp.join(', ')}.` : 'Verified: a copy under all of them behaved as recorded.',
    `Wrote ${dir}/docker-compose.override.yml, run-flags.txt and seccomp.json; review them before applying.`,
  ];
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return lines.join('\n') + '\n';
}

async function ask(plan: HardenPlan, stdin: NodeJS.ReadableStream, stderr: NodeJS.WritableStream): Promise<boolean> {
  stderr.write(`moat harden will run copies of ${plan.target}. While they run:\n`);
  for (const r of plan.risks) stderr.write(`  - ${r}\n`);
  if (plan.sysctl) stderr.write(`  - this host's ${plan.sysctl.name} is set to ${plan.sysctl.to} (now ${plan.sysctl.from}) and restored afterwards\n`);
  const rl = createInterface({ input: stdin, output: stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Continue? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

/** `30s`, `2m`, `500ms`, or a bare number of seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new MoatError('usage', `--duration takes a time like 30s, 2m or 500ms, not "${text}"`);
  const n = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  if (n < 1000 || n > 3_600_000) throw new MoatError('usage', `--duration must be between 1s and 60m, not "${text}"`);
  return Math.round(n);
}

function parseCount(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new MoatError('usage', `${flag} takes a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}

/** A JSON array of strings as is; anything else through `sh -c` inside the copy. */
export function parseExecCommand(text: string): string[] {
  if (text.trim().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MoatError('usage', `--exercise-exec ${text}: not a JSON array of strings (or give a plain command for sh -c)`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((x) => typeof x === 'string')) throw new MoatError('usage', `--exercise-exec must be a non-empty JSON array of strings, or a plain command for sh -c`);
    return parsed as string[];
  }
  if (text.trim() === '') throw new MoatError('usage', '--exercise-exec needs a command');
  return ['/bin/sh', '-c', text];
}
