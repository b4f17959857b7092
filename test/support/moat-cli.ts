import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI from source as a user would (NO_COLOR set, no stdin), killed after 30 s.
 * `prefix` runs it under another program (`['setpriv', '--reuid', ...]`).
 */
export function runMoat(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd: string; prefix?: string[] }): Promise<Run> {
  const [cmd, ...pre] = opts.prefix ?? [process.execPath];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, [...(opts.prefix ? [...pre, process.execPath] : []), BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
