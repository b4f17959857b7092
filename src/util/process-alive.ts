/** Whether process `pid` still runs (EPERM: it does, owned by someone else). For stale lock and build files. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
