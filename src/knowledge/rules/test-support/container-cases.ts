/** Test helpers shared by the container and image rule tests. */
import assert from 'node:assert/strict';
import type { ContainerSpec } from '../../../models/container-spec.ts';
import { isNotApplicable, type ContainerFacts, type ContainerRule, type ImageFacts, type ImageRule, type Issue } from '../../../models/rule.ts';
import { containerFacts, daemonSpec, hardenedContainer } from './fixtures.ts';

type Over = Parameters<typeof hardenedContainer>[0];

export function issues(rule: ContainerRule | ImageRule, facts: ContainerFacts | ImageFacts): readonly Issue[] {
  const out = (rule.check as (f: typeof facts) => ReturnType<ContainerRule['check']>)(facts);
  assert.ok(!isNotApplicable(out), `expected issues, got not applicable: ${isNotApplicable(out) ? out.notApplicable : ''}`);
  return out;
}

export function reason(rule: ContainerRule | ImageRule, facts: ContainerFacts | ImageFacts): string {
  const out = (rule.check as (f: typeof facts) => ReturnType<ContainerRule['check']>)(facts);
  assert.ok(isNotApplicable(out), `expected not applicable, got ${JSON.stringify(out)}`);
  return out.notApplicable;
}

/** Non-info issues only: what would fail a check. */
export function problems(rule: ContainerRule | ImageRule, facts: ContainerFacts | ImageFacts): readonly Issue[] {
  return issues(rule, facts).filter((i) => (i.severity ?? rule.meta.severity) !== 'info');
}

/** The same container as a compose door would give it: nothing known beyond the spec. */
export function lintFacts(over: Over = {}): ContainerFacts {
  const spec: ContainerSpec = hardenedContainer({ door: 'compose', ...over });
  delete spec.state;
  return { container: spec };
}

/** A daemon that does not remap user namespaces (the fixture's does), so container root is host root. */
export function noUsernsDaemon(): ReturnType<typeof daemonSpec> {
  const d = daemonSpec();
  d.info.securityOptions = d.info.securityOptions.filter((o) => o.name !== 'userns');
  return d;
}

/** Facts where container root is host root: no userns remap, AppArmor and SELinux absent, cgroup v1. */
export function exposedHostFacts(over: Over = {}): ContainerFacts {
  const d = noUsernsDaemon();
  d.info.securityOptions = d.info.securityOptions.filter((o) => o.name !== 'apparmor');
  const f = containerFacts(over, { daemon: d });
  f.host = { ...f.host!, kernel: { apparmorEnabled: false, selinuxEnabled: false, cgroupVersion: 1 } };
  return f;
}
