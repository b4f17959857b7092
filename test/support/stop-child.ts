import type { ChildProcess } from 'node:child_process';

/** Stops a daemon the tests started: SIGTERM, and SIGKILL when it has not exited within 20 s. */
export async function stopChild(child: ChildProcess, exited: () => boolean): Promise<void> {
  if (exited()) return;
  child.kill('SIGTERM');
  const gone = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 20_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
    if (exited()) resolve(true);
  });
  if (!gone) child.kill('SIGKILL');
}
