import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { MoatConfig } from '../../doors/config/load.ts';
import { EngineClient, type ClientOptions } from '../../doors/engine/client.ts';
import { EngineReader } from '../../doors/engine/reader.ts';
import type { Rule } from '../../models/rule.ts';
import { MoatError } from '../../util/errors.ts';
import type { Alert } from '../watch/alert.ts';
import { watch, type Watch } from '../watch/watcher.ts';
import type { Outcome, ServerClient } from './server-client.ts';
import { hasSignerPolicy } from '../../doors/signatures/policy.ts';
import { imageSignatureStatus } from '../verify/image-status.ts';
import { SignatureVerifier } from '../verify/verifier.ts';
import { ALERTS_SCHEMA, addContainerConfigs, addInventories, addSignatureVerdicts, auditDocument, finishReport, type ReportContainer, type ReportImage } from './snapshot.ts';
import type { Spool, SpoolEntry } from './spool.ts';
import { isTooLarge, sendInParts } from './split.ts';

export interface AgentOptions {
  server: ServerClient;
  spool: Spool;
  /** The host name reports are pushed for (an agent token pushes only for its own). */
  host: string;
  engine: ClientOptions;
  /** Rules the audit runs (as `moat audit` selects them). */
  auditRules: readonly Rule[];
  /** Rules the watch judges container starts with (as `moat watch` selects them). */
  watchRules: readonly Rule[];
  config: MoatConfig;
  env: NodeJS.ProcessEnv;
  hostRoot?: string;
  /** Time between snapshots (loop mode). */
  intervalMs: number;
  /** Follow watch alerts between snapshots (loop mode; default true). */
  alerts?: boolean;
  /** An alert batch is sent this long after its first alert (default 5 s)… */
  alertBatchMs?: number;
  /** …or as soon as it holds this many (default 500). */
  alertBatchMax?: number;
  /** First delay after a failed send; doubled up to `maxBackoffMs` (defaults 5 s, 5 min). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Lines for the person running the agent (stderr). */
  log: (message: string) => void;
}

/** What `--once` did with its snapshot. */
export interface OnceResult {
  id: string;
  images: number;
  inventories: number;
  /** The server's answer: true when it stored it now, false when it held it already. */
  stored: boolean;
  /** Over the server's size limit, the report went in this many parts. */
  parts?: number;
}

const gzip = (doc: unknown): Buffer => gzipSync(Buffer.from(JSON.stringify(doc)));
const ENDPOINT = { report: 'api/v1/reports', alerts: 'api/v1/alerts' } as const;

export interface SenderOptions extends Pick<AgentOptions, 'server' | 'spool' | 'log' | 'backoffMs' | 'maxBackoffMs'> {
  /** Say why a document waits (default true); `--once` says it once, in its own last line. */
  sayWaits?: boolean;
  /** Keep every answer in `outcomes` (a short run only: the long-running agent would keep them all). */
  trackOutcomes?: boolean;
}

/**
 * Sends the buffer's documents to the server, oldest first, one at a time, and removes each
 * the server took. Stops at the first one it could not deliver for now (no answer, 5xx, a
 * token refused) so order is kept; drops, and says, one the server refuses for good (400,
 * or 413 when even its parts are too large). A report refused as too large (413) is sent
 * again in parts (split.ts). After a failure the next attempt waits (Retry-After, else growing backoff).
 */
export class Sender {
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private blockedUntil = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastProblem = '';
  /** With `trackOutcomes`: the server's answer per document (for `--once`, which reports on its own). */
  readonly outcomes = new Map<string, Outcome>();
  /** What stopped the last pass (the documents after it were not tried). */
  stoppedBy: Outcome | undefined;
  /** A document whose fate the caller tells itself (`--once`'s own report): not said twice. */
  toldByCaller: string | undefined;
  private readonly opts: SenderOptions;

  constructor(opts: SenderOptions) {
    this.opts = opts;
  }

  /** Sends now unless a failure asked to wait (`force`: try anyway); resolves when this pass (and any asked for meanwhile) is over. */
  flush(force = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (force) this.blockedUntil = 0;
    if (Date.now() < this.blockedUntil) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped && Date.now() >= this.blockedUntil);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async pass(): Promise<void> {
    const { spool, server, log } = this.opts;
    this.stoppedBy = undefined;
    let denied = 0;
    let tried = 0;
    for (const entry of spool.list()) {
      if (this.stopped) return;
      const body = await spool.read(entry).catch(() => undefined);
      // Removed meanwhile (dropped by the bound while this pass ran): nothing to send.
      if (body === undefined) continue;
      let out = await server.post(ENDPOINT[entry.kind], body, true);
      if (entry.kind === 'report' && isTooLarge(out)) {
        // Too large for this token's limit: sent again in parts (from memory: the buffer keeps the whole report).
        const split = await sendInParts(server, body, out);
        // Said only when the report went: when its parts were refused too, the refusal is what matters.
        if (split.outcome.kind === 'ok') for (const digest of split.withoutInventory) log(`warning: the inventory of image ${digest.slice(0, 19)} alone is over ${server.display}'s size limit: ${describe(entry)} was sent without it`);
        if (split.parts > 0 && split.outcome.kind === 'ok' && this.opts.sayWaits !== false) log(`${describe(entry)} was over ${server.display}'s size limit: sent in ${split.parts} parts`);
        out = split.outcome;
      }
      tried++;
      if (this.opts.trackOutcomes) this.outcomes.set(entry.name, out);
      if (out.kind === 'ok') {
        await spool.remove(entry);
        this.failures = 0;
        if (this.lastProblem) log(`${server.display} takes documents again (${spool.size.count} left in the buffer)`);
        this.lastProblem = '';
        continue;
      }
      if (out.kind === 'rejected') {
        await spool.remove(entry);
        if (entry.name !== this.toldByCaller) log(`warning: dropped ${describe(entry)}: ${out.message}`);
        continue;
      }
      // 403 may be this document's alone (pushed for another --host before a change): the rest may still go.
      if (out.kind === 'denied' && out.status === 403) {
        denied++;
        this.say(`${out.message} (${describe(entry)} kept in ${spool.dir})`);
        continue;
      }
      this.failures++;
      this.stoppedBy = out;
      const { backoffMs = 5000, maxBackoffMs = 300_000 } = this.opts;
      const wait = out.kind === 'retry' && out.retryAfterMs !== undefined ? out.retryAfterMs : Math.min(backoffMs * 2 ** (this.failures - 1), maxBackoffMs);
      this.blockedUntil = Date.now() + wait;
      const { count } = spool.size;
      this.say(`${out.message}; ${count} document${count === 1 ? '' : 's'} kept in ${spool.dir}, next try in ${Math.round(wait / 1000)} s`);
      this.schedule(wait);
      return;
    }
    if (denied > 0 && denied === tried) {
      // Every document refused: the token (its role or host), not a document. Not retried in a loop: it will not change by itself.
      this.blockedUntil = Date.now() + (this.opts.maxBackoffMs ?? 300_000);
      this.schedule(this.opts.maxBackoffMs ?? 300_000);
    }
  }

  /** A problem is said once, not on every retry, until it changes or clears. */
  private say(message: string): void {
    if (this.opts.sayWaits === false) return;
    const key = message.replace(/next try in \d+ s/, '').replace(/\d+ documents? kept/, '');
    if (key !== this.lastProblem) this.opts.log(message);
    this.lastProblem = key;
  }

  private schedule(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.flush(), ms);
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.running;
  }
}

function describe(e: SpoolEntry): string {
  return e.kind === 'report' ? `report ${e.id.slice(0, 12)}` : `alert batch ${e.id.slice(0, 8)}`;
}

/**
 * One snapshot: the audit, the images the containers run, and the inventories the server
 * lacks. Written to the buffer (durably) before anything is sent. With `strict`, a server
 * that refuses the token when asked which inventories it lacks ends the round there.
 */
export async function snapshot(opts: AgentOptions, strict: boolean, signal?: AbortSignal): Promise<{ entry: SpoolEntry; images: number; inventories: number }> {
  const client = await EngineClient.connect(opts.engine);
  // Signatures are checked as `moat audit` checks them: only under a trust.signatures policy with signers, which is the only time a registry is asked.
  const policy = opts.config.trust.signatures;
  const verifier = hasSignerPolicy(policy) ? new SignatureVerifier({ registry: { env: opts.env } }) : undefined;
  const judge = verifier ? (image: { repoTags: readonly string[]; repoDigests: readonly string[] }) => imageSignatureStatus(verifier, policy, image) : undefined;
  try {
    const { containers, images }: { containers: ReportContainer[]; images: ReportImage[] } = await new EngineReader(client).running();
    await addContainerConfigs(client, containers);
    let wanted = new Set<string>();
    if (images.length > 0) {
      const asked = await opts.server.missing(images.map((i) => ({ digest: i.digest, layers: i.layers })));
      if (asked.kind === 'ok') wanted = new Set(asked.missing);
      else if (strict && asked.kind !== 'retry') throw new MoatError(asked.kind === 'denied' ? 'config' : 'incomplete', asked.message);
      // Not reachable now: the report goes without inventories; the server asks for them when it is back.
      else if (!strict) opts.log(`warning: ${asked.message}: sending the report without inventories`);
    }
    // The verifier caches each verdict, so the audit's image rule and the report's verdicts ask the registry once per image.
    const auditDoc = await auditDocument({ client, rules: opts.auditRules, config: opts.config, env: opts.env, ...(opts.hostRoot ? { hostRoot: opts.hostRoot } : {}), ...(judge ? { imageSignature: judge } : {}) });
    await addSignatureVerdicts(images, judge);
    const problems = await addInventories(images, wanted, { client }, signal);
    for (const p of problems) opts.log(`warning: ${p}`);
    const dropped = opts.spool.dropped();
    const hasDrops = dropped.reports + dropped.alertBatches > 0;
    const report = finishReport({ host: opts.host, audit: auditDoc, images, containers, ...(hasDrops ? { dropped } : {}), ...(problems.length ? { problems } : {}) });
    const entry = await opts.spool.add('report', report.id, gzip(report));
    // Only now that the report holding the count is on disk may the counter start again.
    if (hasDrops) await opts.spool.forgetDropped(dropped);
    return { entry, images: images.length, inventories: images.filter((i) => i.inventory !== undefined).length };
  } finally {
    verifier?.close();
    client.close();
  }
}

/**
 * `--once`: sends what an earlier run left, then one snapshot. Resolves when the server
 * stored it (or held it already); throws one line otherwise: the server's own reason when
 * it refused, or that it could not be reached and the report waits in the buffer.
 */
export async function runOnce(opts: AgentOptions): Promise<OnceResult> {
  const sender = new Sender({ ...opts, sayWaits: false, trackOutcomes: true });
  await sender.flush();
  const { entry, images, inventories } = await snapshot(opts, true);
  sender.toldByCaller = entry.name;
  await sender.flush(true);
  // Not tried: an older document met the failure that stopped the pass, and it is this one's too.
  const out = sender.outcomes.get(entry.name) ?? sender.stoppedBy;
  if (out?.kind === 'ok') {
    const body = out.body as { stored?: unknown; parts?: unknown } | undefined;
    return { id: entry.id, images, inventories, stored: body?.stored !== false, ...(typeof body?.parts === 'number' ? { parts: body.parts } : {}) };
  }
  if (!out) throw new MoatError('incomplete', `${opts.server.display} was not reached: the report waits in ${opts.spool.dir} and is sent by the next agent run`);
  if (out.kind === 'retry') throw new MoatError('incomplete', `${out.message}: the report waits in ${opts.spool.dir} and is sent by the next agent run`);
  throw new MoatError(out.kind === 'denied' ? 'config' : 'incomplete', out.message);
}

/**
 * The agent's loop: sends what an earlier run left, then a snapshot every interval and
 * watch alerts in batches as they come, until `signal` aborts. Every document goes to the
 * buffer first; what is unsent at the end stays there for the next start.
 */
export async function runAgent(opts: AgentOptions, signal: AbortSignal): Promise<void> {
  const sender = new Sender(opts);
  const { log } = opts;
  let w: Watch | undefined;
  let batch: Alert[] = [];
  let batchTimer: NodeJS.Timeout | undefined;
  let spooling = Promise.resolve();

  const spoolBatch = (): void => {
    clearTimeout(batchTimer);
    batchTimer = undefined;
    if (batch.length === 0) return;
    const alerts = batch;
    batch = [];
    const id = randomUUID();
    spooling = spooling
      .then(() => opts.spool.add('alerts', id, gzip({ schema: ALERTS_SCHEMA, id, host: opts.host, alerts })))
      .then(() => sender.flush())
      .catch((e: unknown) => log(`warning: ${alerts.length} alerts could not be written to ${opts.spool.dir}: ${(e as Error).message}`));
  };

  const startWatch = async (): Promise<void> => {
    try {
      w = await watch({
        engine: opts.engine,
        rules: opts.watchRules,
        config: opts.config,
        observer: { notice: (m) => log(m), connection: (_up, detail) => log(detail) },
      });
    } catch (e) {
      log(`warning: cannot watch the engine now (${(e as Error).message}): alerts resume at the next round`);
      return;
    }
    const current = w;
    log(`following watch alerts on ${opts.engine.endpoint?.display ?? 'the engine'}`);
    void (async () => {
      try {
        for await (const a of current) {
          batch.push(a);
          if (batch.length >= (opts.alertBatchMax ?? 500)) spoolBatch();
          else batchTimer ??= setTimeout(spoolBatch, opts.alertBatchMs ?? 5000);
        }
      } catch (e) {
        log(`warning: the watch stopped (${(e as Error).message}): it restarts at the next round`);
      }
      if (w === current) w = undefined;
    })();
  };

  const round = async (): Promise<void> => {
    try {
      const { entry, images, inventories } = await snapshot(opts, false, signal);
      log(`snapshot ${entry.id.slice(0, 12)}: ${images} image${images === 1 ? '' : 's'}, ${inventories} inventor${inventories === 1 ? 'y' : 'ies'} built`);
    } catch (e) {
      // Stopped while reading an image: nothing half-built reached the buffer, and nothing is wrong.
      if (signal.aborted) return;
      log(`warning: this round's snapshot failed: ${(e as Error).message} (next round in ${Math.round(opts.intervalMs / 1000)} s)`);
    }
    await sender.flush();
    if (opts.alerts !== false && !w && !signal.aborted) await startWatch();
  };

  if (opts.spool.size.count > 0) log(`sending ${opts.spool.size.count} document(s) an earlier run left in ${opts.spool.dir}`);
  await sender.flush();
  let next: NodeJS.Timeout | undefined;
  let inRound: Promise<void> = Promise.resolve();
  const loop = (): void => {
    inRound = round().finally(() => {
      if (!signal.aborted) next = setTimeout(loop, opts.intervalMs);
    });
  };
  if (!signal.aborted) loop();
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearTimeout(next);
  await inRound;
  await w?.stop();
  spoolBatch();
  await spooling;
  await sender.stop();
  const left = opts.spool.size.count;
  if (left > 0) log(`${left} document${left === 1 ? '' : 's'} kept in ${opts.spool.dir}: sent when the agent starts again`);
}
