/**
 * Cross-door comparison: the value of one ContainerSpec field with the differences every
 * door is allowed to have taken out (documented in docs/doors.md, "Normalisations"):
 * locations, the engine's defaults it fills in on create (`rprivate` propagation, the
 * generated names of anonymous volumes, `-1` PIDs limit stored as unset), and what the
 * engine merges in from the image (env, labels).
 */
import type { ContainerField, ContainerSpec } from '../../src/models/container-spec.ts';
import { containerRules } from '../../src/knowledge/rules/index.ts';
import { isNotApplicable } from '../../src/models/rule.ts';

const ANONYMOUS = /^[0-9a-f]{64}$/;

function stripAt<T extends { at?: unknown }>(x: T): Omit<T, 'at'> {
  const { at: _at, ...rest } = x;
  return JSON.parse(JSON.stringify(rest)) as Omit<T, 'at'>;
}

export function comparable(spec: ContainerSpec, field: ContainerField): unknown {
  switch (field) {
    case 'mounts':
      return spec.mounts
        .map((m) => ({ type: m.type, source: m.type === 'volume' && ANONYMOUS.test(m.source) ? '' : m.source, target: m.target, readOnly: m.readOnly, propagation: m.propagation === 'rprivate' || m.propagation === '' ? undefined : m.propagation }))
        .sort((a, b) => a.target.localeCompare(b.target));
    case 'ports':
      return spec.ports.map(stripAt).sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol) || a.hostIp.localeCompare(b.hostIp));
    case 'devices':
      return spec.devices.map(stripAt);
    case 'resources.ulimits':
      return spec.resources.ulimits.map(stripAt).sort((a, b) => a.name.localeCompare(b.name));
    case 'capAdd':
    case 'capDrop':
      return [...spec[field]].sort();
    case 'resources.pidsLimit': {
      const p = spec.resources.pidsLimit;
      return p === undefined || p <= 0 ? 'unlimited' : p;
    }
    case 'security':
    case 'security.seccomp':
    case 'security.apparmor':
    case 'security.noNewPrivileges':
    case 'security.selinuxLabels':
    case 'security.selinuxDisabled': {
      // The engine adds `label=disable` to every privileged container's security options.
      const { raw: _raw, ...parsed } = spec.security;
      return { ...parsed, selinuxDisabled: parsed.selinuxDisabled || spec.privileged };
    }
    case 'networks':
      return [...spec.networks].sort();
    default: {
      const [head, sub] = field.split('.') as [keyof ContainerSpec, string | undefined];
      const v = spec[head] as unknown;
      return sub === undefined ? v : (v as Record<string, unknown> | undefined)?.[sub];
    }
  }
}

/** Fields a door set, minus those only comparable as a subset (env, labels: the image adds its own). */
export function comparedFields(set: readonly ContainerField[]): ContainerField[] {
  return set.filter((f) => f !== 'env' && f !== 'labels' && f !== 'image');
}

/** Ids of the container rules that find something in `spec`, judged on the spec alone (the lint situation). */
export function firingRules(spec: ContainerSpec): string[] {
  return containerRules
    .filter((r) => {
      const out = r.check({ container: spec });
      return !isNotApplicable(out) && out.length > 0;
    })
    .map((r) => r.meta.id)
    .sort();
}
