import { globToRegExp } from '../../util/glob.ts';
import type { WatchIgnore } from '../../doors/config/load.ts';
import type { Alert, DriftDetails, ExecDetails, ResourceDetails } from './alert.ts';

/** What `match` in a watch ignore is compared with, per kind of alert. */
function matchTarget(a: Alert): string | undefined {
  switch (a.kind) {
    case 'drift':
      return (a.details as DriftDetails).path;
    case 'exec':
      return (a.details as ExecDetails).command.join(' ');
    case 'resource':
      return (a.details as ResourceDetails).resource;
    case 'finding':
      return a.finding?.ruleId;
    default:
      return undefined;
  }
}

export function isIgnoreExpired(ig: WatchIgnore, now: Date): boolean {
  return ig.expires !== undefined && now.getTime() >= Date.parse(`${ig.expires}T00:00:00Z`) + 24 * 3600 * 1000;
}

/** The first live ignore that covers the alert; alerts about Moat's own continuity are never ignorable. */
export function matchingIgnore(a: Alert, ignores: readonly WatchIgnore[], now: Date): WatchIgnore | undefined {
  if (a.kind === 'events-missed' || a.kind === 'alerts-dropped') return undefined;
  for (const ig of ignores) {
    if (ig.kind !== a.kind || isIgnoreExpired(ig, now)) continue;
    if (ig.container !== undefined) {
      const re = globToRegExp(ig.container);
      if (!a.container || !(re.test(a.container.name) || re.test(a.container.id))) continue;
    }
    if (ig.match !== undefined) {
      const target = matchTarget(a);
      if (target === undefined || !globToRegExp(ig.match).test(target)) continue;
    }
    return ig;
  }
  return undefined;
}
