import type { ContainerSpec } from '../../../models/container-spec.ts';
import { notApplicable, type ContainerFacts, type ExecInfo, type Issue, type NotApplicable } from '../../rule.ts';

/** What the engine can and cannot tell about execs, said wherever Moat reports on them. */
export const EXEC_VISIBILITY =
  'the engine lists only exec instances still running or never started (ExecIDs): finished ones, and all of them after the container or the daemon restarts, are forgotten, so earlier execs are not visible here; the daemon\'s exec_create events (and an audit rule on the socket) record every one';

/** Never started: nothing can have been exec'd in it. Engines report the zero time for StartedAt then. */
function neverStarted(c: ContainerSpec): boolean {
  return c.state !== undefined && c.state.status === 'created' && (!c.state.startedAt || c.state.startedAt.startsWith('0001-01-01'));
}

/**
 * The common shape of the exec rules: not applicable where execs cannot be known (lint,
 * create requests), nothing for a container that never ran, the offending execs when
 * there are some, and otherwise one info saying what the engine could not show.
 */
export function judgeExecs(
  { container, execs }: ContainerFacts,
  offends: (e: ExecInfo) => string | undefined,
  clean: string,
): readonly Issue[] | NotApplicable {
  if (!execs) return notApplicable('exec instances are known only for containers that exist (read from the engine)');
  if (neverStarted(container)) return [];
  const bad = execs.flatMap((e) => {
    const why = offends(e);
    return why ? [{ message: `exec ${e.id.slice(0, 12)} (${e.command.join(' ') || '?'}) ${why}`, at: { path: `ExecIDs (GET /exec/${e.id}/json)` }, evidence: `user=${JSON.stringify(e.user)} privileged=${e.privileged} running=${e.running}` }] : [];
  });
  if (bad.length) return bad;
  return [{ message: `${execs.length ? `${execs.length} exec instance(s) known, ${clean}` : 'no exec instance is known'}; ${EXEC_VISIBILITY}`, severity: 'info', at: { path: 'ExecIDs' }, evidence: `ExecIDs: ${execs.length}` }];
}
