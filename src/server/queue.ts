/**
 * The work queue, on pg-boss in the same database: several server processes on one
 * PostgreSQL share it, and a job is fetched by one of them only (SKIP LOCKED). Inventory
 * matching runs one job per image digest at a time (singletonKey), retries with backoff,
 * and a job that keeps failing lands in the dead-letter queue, listed by GET /jobs.
 */
import { hostname } from 'node:os';
import type { PgBoss as Boss, Job } from 'pg-boss';
import { storeScannedImage } from './ingest.ts';
import { matchImage, rematchAll, type VulnSource } from './match.ts';
import type { Store } from './store.ts';

export const QUEUES = { match: 'moat-match-image', rematch: 'moat-rematch', scan: 'moat-scan-image', dead: 'moat-dead-letters' } as const;
const WORK_QUEUES = [QUEUES.match, QUEUES.rematch, QUEUES.scan];

export interface JobView {
  id: string;
  queue: string;
  state: string;
  data: unknown;
  retryCount: number;
  createdOn: string | null;
  completedOn: string | null;
  output: unknown;
}

export class WorkQueue {
  readonly worker = `${hostname()}:${process.pid}`;
  private readonly boss: Boss;
  private readonly store: Store;
  private readonly source: VulnSource;
  private constructor(boss: Boss, store: Store, source: VulnSource) {
    this.boss = boss;
    this.store = store;
    this.source = source;
  }

  /** Registries the scan jobs may reach over plain http or unverified TLS (loopback ones may use http anyway). */
  insecure: string[] = [];

  static async start(store: Store, source: VulnSource, opts: { work: boolean; pollSeconds?: number; insecure?: string[]; onError?: (e: Error) => void }): Promise<WorkQueue> {
    const { PgBoss } = await import('pg-boss');
    const boss = new PgBoss({ ...(await store.bossOptions()), schedule: false, supervise: opts.work, migrate: true } as ConstructorParameters<typeof PgBoss>[0]);
    boss.on('error', (e: Error) => opts.onError?.(e));
    await boss.start();
    await boss.createQueue(QUEUES.dead).catch(ignoreExists);
    const retry = { retryLimit: 4, retryDelay: 2, retryBackoff: true, retryDelayMax: 300, deadLetter: QUEUES.dead };
    await boss.createQueue(QUEUES.match, { policy: 'singleton', ...retry }).catch(ignoreExists);
    await boss.createQueue(QUEUES.rematch, { policy: 'stately', ...retry }).catch(ignoreExists);
    await boss.createQueue(QUEUES.scan, { policy: 'singleton', ...retry }).catch(ignoreExists);
    const q = new WorkQueue(boss, store, source);
    q.insecure = opts.insecure ?? [];
    if (opts.work) await q.startWorkers(opts.pollSeconds ?? 2);
    return q;
  }

  private async record(job: Job, queue: string, key: string | null): Promise<void> {
    await this.store.query('INSERT INTO job_runs (job_id, queue, key, worker) VALUES ($1, $2, $3, $4)', [job.id, queue, key, this.worker]);
  }

  private async startWorkers(pollSeconds: number): Promise<void> {
    const options = { pollingIntervalSeconds: pollSeconds, batchSize: 1 };
    // Batches of 4, fetched back to back while full: a burst of new images is not paced by the poll interval.
    // A failure fails the batch; matching is idempotent, so the retry redoes the others harmlessly.
    await this.boss.work<{ digest: string }>(QUEUES.match, { pollingIntervalSeconds: pollSeconds, batchSize: 4, burstWhenBatchFull: true }, async (jobs) => {
      const out = [];
      for (const job of jobs) {
        await this.record(job, QUEUES.match, job.data.digest);
        out.push(await matchImage(this.store, this.source, job.data.digest));
      }
      // An object, not an array: pg-boss reads an array as per-job results and fails the jobs it does not name.
      return { matched: out };
    });
    await this.boss.work<{ reference: string }>(QUEUES.scan, options, async ([job]) => {
      if (job === undefined) return;
      await this.record(job, QUEUES.scan, job.data.reference);
      const { scanImage } = await import('../doors/image/scan.ts');
      const scan = await scanImage({ kind: 'registry', reference: job.data.reference }, { registry: { insecure: this.insecure } });
      const digest = scan.image?.id as string;
      const stored = await storeScannedImage(this.store, {
        digest,
        references: [job.data.reference],
        layers: scan.layers.map((l) => l.diffId),
        inventory: { ...(scan.inventory.os ? { os: scan.inventory.os } : {}), packages: scan.inventory.packages as unknown as Array<Record<string, unknown>> },
      });
      const matched = stored ? await matchImage(this.store, this.source, digest) : undefined;
      return { digest, packages: scan.inventory.packages.length, stored, ...(matched ? { vulnerabilities: matched.vulnerabilities } : {}) };
    });
    await this.boss.work<object>(QUEUES.rematch, options, async ([job]) => {
      if (job === undefined) return;
      await this.record(job, QUEUES.rematch, 'rematch');
      return rematchAll(this.store, this.source);
    });
  }

  /** Reads an image from its registry (credentials from docker's config, as `moat sbom registry:REF`), stores and matches its inventory. */
  async sendScan(reference: string): Promise<string | null> {
    return this.boss.send(QUEUES.scan, { reference }, { singletonKey: reference });
  }

  async sendMatch(digests: readonly string[]): Promise<void> {
    for (const digest of digests) await this.boss.send(QUEUES.match, { digest }, { singletonKey: digest });
  }

  async sendRematch(reason: string): Promise<string | null> {
    return this.boss.send(QUEUES.rematch, { reason }, { singletonKey: 'rematch' });
  }

  async jobs(state: string | undefined): Promise<JobView[]> {
    const out: JobView[] = [];
    for (const queue of [...WORK_QUEUES, QUEUES.dead]) {
      const found = await this.boss.findJobs<unknown>(queue, { limit: 1000 });
      for (const j of found) {
        const s = queue === QUEUES.dead ? 'dead' : j.state;
        if (state !== undefined && s !== state && !(state === 'failed' && s === 'dead')) continue;
        out.push({
          id: j.id,
          queue,
          state: s,
          data: j.data,
          retryCount: j.retryCount,
          createdOn: j.createdOn ? new Date(j.createdOn).toISOString() : null,
          completedOn: j.completedOn ? new Date(j.completedOn).toISOString() : null,
          output: j.output ?? null,
        });
      }
    }
    return out;
  }

  /** A failed job is run again; a dead letter is sent back to the queue it came from. */
  async retry(id: string): Promise<boolean> {
    for (const queue of WORK_QUEUES) {
      const [job] = await this.boss.findJobs(queue, { id });
      if (job !== undefined) {
        await this.boss.retry(queue, id);
        return true;
      }
    }
    const [dead] = await this.boss.findJobs<{ digest?: string }>(QUEUES.dead, { id });
    if (dead === undefined) return false;
    const origin = (dead as { sourceName?: string }).sourceName ?? QUEUES.match;
    await this.boss.send(origin, dead.data as object, dead.data.digest !== undefined ? { singletonKey: dead.data.digest } : {});
    await this.boss.deleteJob(QUEUES.dead, id);
    return true;
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5000 });
  }
}

function ignoreExists(e: unknown): void {
  if (!/already exists/i.test((e as Error).message)) throw e;
}
