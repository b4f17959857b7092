/**
 * Memory and PIDs limits from the peaks observed while recording, plus headroom. The
 * factors are deliberate: a recording sees one run of the workload, not its worst day.
 */

/** Proposed memory = max(peak × 1.5, peak + 32 MiB), rounded up to a MiB. */
export const MEMORY_FACTOR = 1.5;
export const MEMORY_MIN_HEADROOM = 32 * 1024 * 1024;
/** Proposed PIDs = max(peak × 2, peak + 16). */
export const PIDS_FACTOR = 2;
export const PIDS_MIN_HEADROOM = 16;
const MIB = 1024 * 1024;

export interface LimitProposal {
  /** Bytes. */
  memory: number;
  pids: number;
  observed: { memory?: number; pids?: number; samples: number };
  /** How the numbers were reached, in words. */
  because: string;
}

export function proposeLimits(peaks: { memory?: number; pids?: number; samples: number }, original: { memory?: number; pids?: number }): LimitProposal {
  const memPeak = peaks.memory ?? 0;
  const pidPeak = peaks.pids ?? 1;
  let memory = Math.ceil(Math.max(memPeak * MEMORY_FACTOR, memPeak + MEMORY_MIN_HEADROOM) / MIB) * MIB;
  let pids = Math.ceil(Math.max(pidPeak * PIDS_FACTOR, pidPeak + PIDS_MIN_HEADROOM));
  const notes: string[] = [];
  // Never looser than what the original already ran with.
  if (original.memory && original.memory > 0 && original.memory < memory) {
    memory = original.memory;
    notes.push('memory: the original limit, which is lower');
  }
  if (original.pids && original.pids > 0 && original.pids < pids) {
    pids = original.pids;
    notes.push('pids: the original limit, which is lower');
  }
  const seen = peaks.samples > 0 ? `peaks over ${peaks.samples} samples: ${formatBytes(memPeak)} memory, ${pidPeak} pids` : 'no sample (the copy exited before the first one): headroom over nothing';
  return {
    memory,
    pids,
    observed: { memory: peaks.memory, pids: peaks.pids, samples: peaks.samples },
    because: `${seen}; memory max(${MEMORY_FACTOR}× peak, peak + ${MEMORY_MIN_HEADROOM / MIB} MiB), pids max(${PIDS_FACTOR}× peak, peak + ${PIDS_MIN_HEADROOM})${notes.length ? `; ${notes.join('; ')}` : ''}`,
  };
}

export function formatBytes(n: number): string {
  if (n >= MIB) return `${(n / MIB).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** `64m`-style value for compose and docker run (whole MiB). */
export function dockerBytes(n: number): string {
  return n % MIB === 0 ? `${n / MIB}m` : `${n}b`;
}
