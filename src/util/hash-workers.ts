/**
 * Digests of byte ranges of open files, computed on worker threads: a layer's SHA-256 is
 * the one cost of reading an image that no parsing shortcut removes (200 MB takes longer
 * to hash than to walk), and one digest cannot be split, so layers are hashed side by side,
 * one per worker, while the main thread reads their headers. Workers read the file
 * themselves (pread into one reused buffer) rather than being sent its bytes.
 *
 * The worker is inline source run with `eval`, so the bundled CLI needs no extra entry
 * file. Workers are started on first use, kept for the next range, and never keep the
 * process alive while they have nothing to do.
 */
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Ranges smaller than this are hashed on the calling thread: starting a worker costs tens of
 * milliseconds of CPU (Node's bootstrap), which a small layer's digest does not repay.
 */
const WORKER_MIN_BYTES = 32 * 1024 * 1024;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', ({ id, fd, offset, size, algorithm }) => {
  try {
    const h = createHash(algorithm);
    let pos = offset;
    let left = size;
    while (left > 0) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, left), pos);
      if (n === 0) throw new Error('the file ended ' + left + ' bytes before the range');
      h.update(n === buf.length ? buf : buf.subarray(0, n));
      pos += n;
      left -= n;
    }
    parentPort.postMessage({ id, digest: h.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ id, error: e && e.message ? e.message : String(e) });
  }
});
`;

interface Job {
  resolve: (hex: string) => void;
  reject: (e: Error) => void;
  size: number;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  /** Bytes queued on this worker: a new range goes to the least loaded. */
  queued: number;
}

const slots: Slot[] = [];
let nextId = 0;

function maxWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

function startSlot(): Slot {
  // Its own flags: inherited ones such as --input-type=module would make its script ESM, where `require` is not defined.
  const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'moat-hash', execArgv: [] });
  const slot: Slot = { worker, jobs: new Map(), queued: 0 };
  const failAll = (e: Error): void => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    for (const job of slot.jobs.values()) job.reject(e);
    slot.jobs.clear();
  };
  worker.on('message', (m: { id: number; digest?: string; error?: string }) => {
    const job = slot.jobs.get(m.id);
    if (!job) return;
    slot.jobs.delete(m.id);
    slot.queued -= job.size;
    if (slot.jobs.size === 0) worker.unref();
    if (m.digest !== undefined) job.resolve(m.digest);
    else job.reject(new Error(m.error ?? 'the hashing worker failed'));
  });
  worker.on('error', (e) => failAll(new Error(`the hashing worker failed: ${e.message}`)));
  worker.on('exit', (code) => failAll(new Error(`the hashing worker stopped (exit code ${code})`)));
  // After the listeners: attaching a 'message' listener refs the worker's port again.
  worker.unref();
  slots.push(slot);
  return slot;
}

/**
 * The hex digest of `size` bytes of the open file `fd` from `offset`. The caller keeps `fd`
 * open until the promise settles. Rejects when the file is shorter than the range.
 */
export function hashFileRange(fd: number, offset: number, size: number, algorithm: 'sha256' | 'sha512' = 'sha256'): Promise<string> {
  if (size < WORKER_MIN_BYTES) {
    try {
      return Promise.resolve(hashHere(fd, offset, size, algorithm));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  const chosen = pickSlot();
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    chosen.jobs.set(id, { resolve, reject, size });
    chosen.queued += size;
    // A pending digest must keep the process alive (nothing else may be waiting on the loop).
    chosen.worker.ref();
    chosen.worker.postMessage({ id, fd, offset, size, algorithm });
  });
}

/** An idle worker, else a new one while there are cores for it, else the least loaded. */
function pickSlot(): Slot {
  let slot = slots.find((s) => s.jobs.size === 0);
  if (!slot && slots.length < maxWorkers()) slot = startSlot();
  return slot ?? slots.reduce((a, b) => (b.queued < a.queued ? b : a));
}

function hashHere(fd: number, offset: number, size: number, algorithm: string): string {
  const h = createHash(algorithm);
  const buf = Buffer.allocUnsafe(Math.min(size, 1 << 20));
  for (let pos = offset, left = size; left > 0; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, left), pos);
    if (n === 0) throw new Error(`the file ended ${left} bytes before the range`);
    h.update(n === buf.length ? buf : buf.subarray(0, n));
    pos += n;
    left -= n;
  }
  return h.digest('hex');
}
