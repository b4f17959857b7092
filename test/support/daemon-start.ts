/** What a test's own dockerd offers while it starts (second-daemon.ts, rootless-daemon.ts). */
interface StartingDaemon {
  log(): string;
  stop(): Promise<void>;
}

/**
 * Waits until the daemon answers `docker version` (60 s at most). A daemon that exits or never
 * answers is stopped (its helpers with it) and the error carries the tail of its log.
 */
export async function untilAnswering(
  d: StartingDaemon,
  exited: () => boolean,
  docker: (...args: string[]) => Promise<{ code: number; stderr: string }>,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited()) {
      const log = d.log();
      await d.stop();
      throw new Error(`${what} exited during start:\n${log.slice(-3000)}`);
    }
    const r = await docker('version', '--format', '{{.Server.Version}}');
    if (r.code === 0) return;
    if (Date.now() > deadline) {
      const log = d.log();
      await d.stop();
      throw new Error(`${what} did not answer within 60 s: ${r.stderr}\n${log.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
