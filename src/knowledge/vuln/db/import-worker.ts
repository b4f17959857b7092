/**
 * Worker thread of an import: reads one source and prepares its records (prepare.ts),
 * posting them in batches to the thread that writes the database. A shared counter of
 * batches written holds it back when it runs ahead, so memory stays bounded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MoatError } from '../../../util/errors.ts';
import { prepareRecord, type Prepared } from './prepare.ts';
import { readSource, type ReadLimits } from './read.ts';

export interface WorkerItem {
  where: string;
  prepared: Prepared;
}

export type WorkerMessage =
  | { type: 'batch'; items: WorkerItem[] }
  | { type: 'done' }
  | { type: 'error'; kind: MoatError['kind'] | 'internal'; message: string };

const BATCH = 256;
const AHEAD = 8;

const { file, limits, written } = workerData as { file: string; limits: ReadLimits; written: SharedArrayBuffer };
const counter = new Int32Array(written);
const port = parentPort;
let posted = 0;
let batch: WorkerItem[] = [];

function flush(): void {
  if (batch.length === 0 || port === null) return;
  port.postMessage({ type: 'batch', items: batch } satisfies WorkerMessage);
  batch = [];
  posted++;
  for (;;) {
    const done = Atomics.load(counter, 0);
    if (posted - done < AHEAD) break;
    Atomics.wait(counter, 0, done, 1000);
  }
}

function push(item: WorkerItem): void {
  batch.push(item);
  if (batch.length >= BATCH) flush();
}

try {
  await readSource(file, limits, {
    record: (text, where) => push({ where, prepared: prepareRecord(text) }),
    skip: (reason, where) => push({ where, prepared: { skip: reason } }),
  });
  flush();
  port?.postMessage({ type: 'done' } satisfies WorkerMessage);
} catch (e) {
  port?.postMessage({ type: 'error', kind: e instanceof MoatError ? e.kind : 'internal', message: (e as Error).message } satisfies WorkerMessage);
}
