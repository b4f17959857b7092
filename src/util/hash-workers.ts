/**
 * Digests of byte ranges of open files, and of large streams, computed on worker threads: a
 * layer's SHA-256 is the one cost of reading an image that no parsing shortcut removes (200 MB
 * takes longer to hash than to walk), and one digest cannot be split, so layers are hashed
 * side by side, one per worker, while the main thread reads their headers. Workers read a
 * file themselves (pread into one reused buffer) rather than being sent its bytes; a stream's
 * bytes are copied to them in batches.
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
const streams = new Map();
parentPort.on('message', (m) => {
  const { id } = m;
  try {
    if (m.kind === 'start') return void streams.set(id, createHash(m.algorithm));
    if (m.kind === 'data') return void streams.get(id)?.update(new Uint8Array(m.buf, 0, m.length));
    if (m.kind === 'drop') return void streams.delete(id);
    if (m.kind === 'end') {
      const h = streams.get(id);
      streams.delete(id);
      return void parentPort.postMessage({ id, digest: h.digest('hex') });
    }
    const { fd, offset, size, algorithm } = m;
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
    streams.delete(id);
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

/** A digest fed in order, as the bytes arrive. */
export interface StreamDigest {
  update(chunk: Buffer): void;
  /** The hex digest of everything fed; feed nothing after. */
  digest(): Promise<string>;
  /** Drops it (the read failed): no digest will be asked for. */
  abort(): void;
}

/** Bytes copied into one transfer to the worker: few messages, and little held at once. */
const BATCH = 1 << 20;

/**
 * A digest of a stream (an image export from the engine, a layer from a registry) whose size
 * is known to be `expectedSize`: computed on a worker when that is large, the bytes copied to it
 * in 1 MiB batches that change hands without a further copy. The copy costs the calling thread
 * a tenth of what hashing them would.
 */
export function hashStream(expectedSize: number, algorithm: 'sha256' | 'sha512' = 'sha256'): StreamDigest {
  if (expectedSize < WORKER_MIN_BYTES) {
    const h = createHash(algorithm);
    return { update: (c) => void h.update(c), digest: () => Promise.resolve(h.digest('hex')), abort: () => undefined };
  }
  const slot = pickSlot();
  const id = nextId++;
  let batch = Buffer.allocUnsafeSlow(BATCH);
  let used = 0;
  let settled = false;
  const result = new Promise<string>((resolve, reject) => {
    slot.jobs.set(id, { resolve, reject, size: expectedSize });
  });
  // Until digest() asks, a worker that fails has nobody waiting: the rejection is held for it.
  result.catch(() => undefined);
  slot.queued += expectedSize;
  slot.worker.postMessage({ id, kind: 'start', algorithm });
  const flush = (): void => {
    if (used === 0) return;
    const ab = batch.buffer as ArrayBuffer;
    slot.worker.postMessage({ id, kind: 'data', buf: ab, length: used }, [ab]);
    batch = Buffer.allocUnsafeSlow(BATCH);
    used = 0;
  };
  return {
    update(chunk) {
      for (let off = 0; off < chunk.length; ) {
        const n = chunk.copy(batch, used, off, Math.min(chunk.length, off + BATCH - used));
        used += n;
        off += n;
        if (used === BATCH) flush();
      }
    },
    digest() {
      flush();
      settled = true;
      // A pending digest must keep the process alive (nothing else may be waiting on the loop).
      slot.worker.ref();
      slot.worker.postMessage({ id, kind: 'end' });
      return result;
    },
    abort() {
      if (settled) return;
      settled = true;
      if (!slot.jobs.delete(id)) return;
      slot.queued -= expectedSize;
      slot.worker.postMessage({ id, kind: 'drop' });
      if (slot.jobs.size === 0) slot.worker.unref();
    },
  };
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
