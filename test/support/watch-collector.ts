/** Collects a running watch's alerts and waits for the ones a test expects. */
import type { Alert } from '../../src/features/watch/alert.ts';
import type { Watch } from '../../src/features/watch/watcher.ts';

export class Collected {
  readonly alerts: Alert[] = [];
  readonly finished: Promise<void>;
  constructor(w: Watch) {
    this.finished = (async () => {
      for await (const a of w) this.alerts.push(a);
    })();
  }
  of(container: string): Alert[] {
    return this.alerts.filter((a) => a.container?.name === container);
  }
  /** Resolves with the first alert matching, or rejects after `ms` naming what was seen instead. */
  async waitFor(what: string, pred: (a: Alert) => boolean, ms = 30_000): Promise<Alert> {
    const until = Date.now() + ms;
    for (;;) {
      const hit = this.alerts.find(pred);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no alert for ${what} within ${ms} ms; got: ${this.alerts.map((a) => `${a.kind}:${a.container?.name ?? '-'}:${a.message}`).join(' | ') || 'none'}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
