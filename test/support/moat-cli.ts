import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd: string;
  /** Runs it under another program (`['setpriv', '--reuid', ...]`). */
  prefix?: string[];
  /** Killed after this (default 30 s). */
  timeoutMs?: number;
  /** Called once it runs: a way to signal it and to read its stderr so far (interrupt tests). */
  onSpawn?: (kill: (s: NodeJS.Signals) => void, stderr: () => string) => void;
  /** Written to its standard input, which is then closed (without it, there is no stdin). */
  input?: string;
}

/** Runs the CLI from source as a user would (NO_COLOR set, no stdin unless `input` is given). */
export function runMoat(args: readonly string[], opts: RunOptions): Promise<Run> {
  const [cmd, ...pre] = opts.prefix ?? [process.execPath];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, [...(opts.prefix ? [...pre, process.execPath] : []), BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => (stdout += c));
    child.stderr?.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    opts.onSpawn?.((sig) => child.kill(sig), () => stderr);
  });
}
