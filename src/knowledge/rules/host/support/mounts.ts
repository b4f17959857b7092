import type { MountFact } from '../../../../models/host-spec.ts';

/**
 * The mount a path lives on: the longest mount point that is the path or one of its
 * ancestors, and of mounts stacked on the same point the last (mountinfo lists them
 * in mount order, so the last is the one on top).
 */
export function mountHolding(mounts: readonly MountFact[], path: string): MountFact | undefined {
  let best: MountFact | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const covers = mp === '/' || path === mp || path.startsWith(`${mp}/`);
    if (covers && (!best || mp.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

export function describeMount(m: MountFact): string {
  return `${m.mountPoint}: ${m.fsType} ${m.source} device ${m.device}${m.root === '/' ? '' : ` (bind of ${m.root})`}`;
}
