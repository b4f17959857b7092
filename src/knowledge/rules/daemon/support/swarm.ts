/** What the section 7 (Swarm) rules share: when they apply, and where their facts come from. */
import type { DaemonSpec } from '../../../../models/daemon-spec.ts';
import type { SwarmSpec } from '../../../../models/swarm-spec.ts';
import { notApplicable, type NotApplicable } from '../../../../models/rule.ts';

export const NOT_IN_SWARM = 'this node is not in a swarm';
export const NOT_A_MANAGER = 'this node is a swarm worker: only a manager can report the swarm\'s settings (run Moat against a manager)';

/** The swarm, when the node is in one; the reason otherwise. */
export function swarmOf(daemon: DaemonSpec): SwarmSpec | NotApplicable {
  return daemon.info.swarm ?? notApplicable(NOT_IN_SWARM);
}

/** The swarm as a manager sees it (cluster settings, networks, secrets); the reason otherwise. */
export function managerView(daemon: DaemonSpec): SwarmSpec | NotApplicable {
  const s = daemon.info.swarm;
  if (!s) return notApplicable(NOT_IN_SWARM);
  if (!s.manager) return notApplicable(NOT_A_MANAGER);
  if (s.state === 'locked') return notApplicable('this manager is locked: unlock it (`docker swarm unlock`) to read the swarm\'s settings');
  return s;
}

export function isNa(x: SwarmSpec | NotApplicable): x is NotApplicable {
  return 'notApplicable' in x;
}
