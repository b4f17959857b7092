/**
 * Tells a restart loop (a container that keeps crashing and being started again) from a
 * container someone stops and starts. A crash is a `die` with a non-zero exit code that no
 * `kill` or `stop` asked for; a loop is `restarts` crash-restarts within `windowMs`.
 */
export class RestartLoopDetector {
  private crashes: number[] = [];
  private pendingCrash = false;
  private stopping = false;
  private alerted = false;
  lastExitCode?: number;
  private readonly restarts: number;
  private readonly windowMs: number;
  constructor(restarts: number, windowMs: number) {
    this.restarts = restarts;
    this.windowMs = windowMs;
  }

  kill(): void {
    this.stopping = true;
  }

  die(exitCode: number): void {
    this.lastExitCode = exitCode;
    this.pendingCrash = !this.stopping && exitCode !== 0;
    this.stopping = false;
  }

  /** Returns the number of crash-restarts in the window when this start makes it a loop (once per loop). */
  start(nowMs: number): number | undefined {
    if (!this.pendingCrash) return undefined;
    this.pendingCrash = false;
    this.crashes = this.crashes.filter((t) => nowMs - t < this.windowMs);
    // A quiet window ends the loop: a later one is a new loop, worth a new alert.
    if (this.crashes.length === 0) this.alerted = false;
    this.crashes.push(nowMs);
    if (!this.alerted && this.crashes.length >= this.restarts) {
      this.alerted = true;
      return this.crashes.length;
    }
    return undefined;
  }
}
