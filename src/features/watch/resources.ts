import * as v from 'valibot';
import type { ResourceDetails } from './alert.ts';

/** The parts of `GET /containers/{id}/stats?stream=false` that limits are judged from. */
export const StatsSchema = v.object({
  memory_stats: v.nullish(
    v.object({
      usage: v.nullish(v.number()),
      limit: v.nullish(v.number()),
      stats: v.nullish(v.record(v.string(), v.number())),
    }),
  ),
  pids_stats: v.nullish(v.object({ current: v.nullish(v.number()), limit: v.nullish(v.number()) })),
});
export type Stats = v.InferOutput<typeof StatsSchema>;

/** Limits the container was created with; 0 or undefined is "none" (the host's, which is not a container limit). */
export interface Limits {
  memory?: number;
  pids?: number;
}

/**
 * Usage against each limit the container has. Memory is counted as `docker stats` counts
 * it: without the page cache the kernel can drop (inactive files), which is what the OOM
 * killer spares.
 */
export function usageOf(stats: Stats, limits: Limits): ResourceDetails[] {
  const out: ResourceDetails[] = [];
  const m = stats.memory_stats;
  if (limits.memory && limits.memory > 0 && m?.usage != null) {
    const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? 0;
    const usage = inactive < m.usage ? m.usage - inactive : m.usage;
    const limit = m.limit && m.limit > 0 ? Math.min(m.limit, limits.memory) : limits.memory;
    out.push({ resource: 'memory', usage, limit, percent: round1((usage / limit) * 100) });
  }
  const p = stats.pids_stats;
  if (limits.pids && limits.pids > 0 && p?.current != null) {
    out.push({ resource: 'pids', usage: p.current, limit: limits.pids, percent: round1((p.current / limits.pids) * 100) });
  }
  return out;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Alerts once when usage crosses `percent`, and again only after it has fallen back a
 * clear margin below: a container hovering at the line must not page every poll.
 */
export class NearLimit {
  private armed = true;
  private readonly percent: number;
  private readonly hysteresis: number;
  constructor(percent: number, hysteresis = 10) {
    this.percent = percent;
    this.hysteresis = hysteresis;
  }
  observe(percent: number): boolean {
    if (this.armed && percent >= this.percent) {
      this.armed = false;
      return true;
    }
    if (!this.armed && percent < this.percent - this.hysteresis) this.armed = true;
    return false;
  }
}

export function describeUsage(d: ResourceDetails, container: string): string {
  const fmt = (n: number): string => (d.resource === 'memory' ? `${(n / 1024 / 1024).toFixed(1)} MiB` : String(n));
  return `${container} is close to its ${d.resource === 'memory' ? 'memory' : 'PIDs'} limit: ${fmt(d.usage)} of ${fmt(d.limit)} (${d.percent}%)`;
}
