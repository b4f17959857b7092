/** Test helpers shared by the daemon rule tests. */
import assert from 'node:assert/strict';
import type { DaemonOption, DaemonSpec } from '../../../../models/daemon-spec.ts';
import type { SwarmSpec } from '../../../../models/swarm-spec.ts';
import { isNotApplicable, type DaemonRule, type Issue, type SystemFacts } from '../../../../models/rule.ts';
import { daemonSpec, defaultOptions, systemFacts } from '../../test-support/fixtures.ts';
import { REMOTE_REASON } from '../support/options.ts';

type DaemonOver = Parameters<typeof daemonSpec>[0];

/** Facts for a daemon built from the hardened defaults plus `over`. */
export function factsWith(over: DaemonOver = {}, extra: Partial<SystemFacts> = {}): SystemFacts {
  return systemFacts({ daemon: daemonSpec(over), ...extra });
}

/** The hardened default options with `key` removed or replaced. */
export function optionsWith(...replace: Array<DaemonOption | { remove: string }>): DaemonOption[] {
  const removed = new Set(replace.map((r) => ('remove' in r ? r.remove : r.key)));
  return [...defaultOptions().filter((o) => !removed.has(o.key)), ...replace.filter((r): r is DaemonOption => !('remove' in r))];
}

export function issues(rule: DaemonRule, facts: SystemFacts): readonly Issue[] {
  const out = rule.check(facts);
  assert.ok(!isNotApplicable(out), `expected issues, got not applicable: ${isNotApplicable(out) ? out.notApplicable : ''}`);
  return out;
}

export function reason(rule: DaemonRule, facts: SystemFacts): string {
  const out = rule.check(facts);
  assert.ok(isNotApplicable(out), `expected not applicable, got ${JSON.stringify(out)}`);
  return out.notApplicable;
}

/** The rule steps aside for a remote daemon, whose options cannot be read. */
export function assertNeedsLocal(rule: DaemonRule): void {
  assert.equal(reason(rule, systemFacts({ daemon: remoteDaemon(), host: undefined })), REMOTE_REASON);
}

export function remoteDaemon(over: DaemonOver = {}): DaemonSpec {
  const d = daemonSpec({ local: false, optionList: [], ...over });
  delete d.configFile;
  delete d.process;
  return d;
}

/** Facts for a node in an active single-node swarm, as its manager, with `over` applied to the swarm. */
export function swarmFacts(over: Partial<SwarmSpec> = {}, now?: Date): SystemFacts {
  const swarm: SwarmSpec = { state: 'active', manager: true, nodeAddr: '10.0.0.5', managers: 1, nodes: 1, autoLock: true, nodeCertExpiryNs: 2160 * 3_600_000_000_000, overlayNetworks: [], secrets: 1, ...over };
  return factsWith({ info: { swarmState: swarm.state, swarm } }, now ? { now } : {});
}
