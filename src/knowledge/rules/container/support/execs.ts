import type { ContainerSpec } from '../../../../models/container-spec.ts';
import { notApplicable, type ContainerFacts, type ExecInfo, type Issue, type NotApplicable } from '../../../../models/rule.ts';
import { isRootUser } from './identity.ts';

/** What the engine can and cannot tell about execs, said wherever Moat reports on them. */
export const EXEC_VISIBILITY =
  'the engine lists only exec instances still running or never started (ExecIDs): finished ones, and all of them after the container or the daemon restarts, are forgotten, so earlier execs are not visible here; the daemon\'s exec_create events (and an audit rule on the socket) record every one';

/**
 * The engine runs each health-check probe as an exec of the container, as its user, so
 * probes show in ExecIDs while they run. They are the engine's, not someone's `docker exec`.
 * Nothing in the exec marks a probe: one that runs the probe's command as the container's
 * own user is taken for one (the same command run by hand that way changes nothing either).
 */
export function isHealthProbe(e: ExecInfo, c: ContainerSpec): boolean {
  const hc = c.healthcheck;
  if (!hc || hc.disabled || e.privileged) return false;
  const own = c.user ?? '';
  const sameUser = e.user === '' || e.user === own || (isRootUser(e.user) && (own === '' || isRootUser(own)));
  if (!sameUser) return false;
  const [kind, ...rest] = hc.test;
  const probe = kind === 'CMD' ? rest : kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : undefined;
  return probe !== undefined && probe.length === e.command.length && probe.every((w, i) => w === e.command[i]);
}

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
  const bad = execs.filter((e) => !isHealthProbe(e, container)).flatMap((e) => {
    const why = offends(e);
    return why ? [{ message: `exec ${e.id.slice(0, 12)} (${e.command.join(' ') || '?'}) ${why}`, at: { path: `ExecIDs (GET /exec/${e.id}/json)` }, evidence: `user=${JSON.stringify(e.user)} privileged=${e.privileged} running=${e.running}` }] : [];
  });
  if (bad.length) return bad;
  const probes = execs.filter((e) => isHealthProbe(e, container)).length;
  const known = execs.length - probes;
  return [{ message: `${known ? `${known} exec instance(s) known, ${clean}` : 'no exec instance is known'}${probes ? ` (and ${probes} health-check probe(s) the engine runs)` : ''}; ${EXEC_VISIBILITY}`, severity: 'info', at: { path: 'ExecIDs' }, evidence: `ExecIDs: ${execs.length}` }];
}
