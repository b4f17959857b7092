/**
 * What daemon rules share: reading an option whichever file set it, saying where an
 * unset option would go, and pointing at the /info field a verdict came from.
 */
import type { DaemonOption, DaemonSpec } from '../../../../models/daemon-spec.ts';
import type { Location } from '../../../../models/location.ts';
import { notApplicable, type NotApplicable } from '../../../../models/rule.ts';

export const REMOTE_REASON = 'daemon configuration is not readable: the daemon is remote';

/** Why cgroup-parent checks do not apply to a daemon that places containers in no cgroup. */
export const NO_CGROUPS =
  'not applicable: the daemon runs without cgroups (CgroupDriver none, as a rootless daemon does on a cgroup v1 host), so it places no container under any cgroup parent';

/** The outcome of rules that need daemon.json or the command line when neither can be read. */
export function remote(): NotApplicable {
  return notApplicable(REMOTE_REASON);
}

export function optionOf(daemon: DaemonSpec, key: string): DaemonOption | undefined {
  return daemon.options.get(key);
}

/**
 * A switch's value: JSON booleans as they are, and the words Go's strconv.ParseBool
 * accepts (a daemon.json string such as "false" is rejected by dockerd, but the intent is plain).
 */
export function boolValue(o: DaemonOption | undefined): boolean | undefined {
  const v = o?.value;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (/^(1|t|true)$/i.test(v)) return true;
    if (/^(0|f|false)$/i.test(v)) return false;
  }
  return undefined;
}

/** A string option's value; undefined when unset or empty. */
export function stringValue(o: DaemonOption | undefined): string | undefined {
  return typeof o?.value === 'string' && o.value !== '' ? o.value : undefined;
}

/** A list option's values (a lone string counts as a one-element list). */
export function listValue(o: DaemonOption | undefined): string[] {
  const v = o?.value;
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v !== '') return [v];
  return [];
}

/** `key: value (daemon.json)` for evidence. */
export function evidenceOf(o: DaemonOption): string {
  return `${o.key}: ${JSON.stringify(o.value)} (${o.from === 'argv' ? 'dockerd command line' : 'daemon.json'})`;
}

/** Where an option that is not set would be added: daemon.json, which dockerd reads at start. */
export function configAt(daemon: DaemonSpec): Location {
  return { file: daemon.configFile?.path ?? '/etc/docker/daemon.json' };
}

/** Why an option counts as unset, naming what was read, so a reader can tell "unset" from "not visible". */
export function unsetBecause(daemon: DaemonSpec, key: string): string {
  const file = daemon.configFile ? (daemon.configFile.present ? `${daemon.configFile.path} does not set ${key}` : `there is no ${daemon.configFile.path}`) : 'no daemon.json was read';
  const argv = daemon.process ? 'the dockerd command line does not set it either' : 'the dockerd command line was not visible';
  return `${file}; ${argv}`;
}

export function infoAt(field: string): Location {
  return { path: `/info.${field}` };
}

/** The option's location when it is set (that is where the fix goes), else the /info field the engine reported. */
export function optionOrInfoAt(daemon: DaemonSpec, key: string, infoField: string): Location {
  return optionOf(daemon, key)?.at ?? infoAt(infoField);
}

export function hasSecurityOption(daemon: DaemonSpec, name: string): boolean {
  return daemon.info.securityOptions.some((o) => o.name === name);
}

export function securityOptionsEvidence(daemon: DaemonSpec): string {
  const list = daemon.info.securityOptions.map((o) => [`name=${o.name}`, ...Object.entries(o.details).map(([k, v]) => `${k}=${v}`)].join(','));
  return `SecurityOptions: ${list.length ? list.join('; ') : '(none)'}`;
}

/** Swarm states in which the node takes part in a swarm (a locked manager is still a member). */
export function inSwarm(daemon: DaemonSpec): boolean {
  return ['active', 'pending', 'locked'].includes(daemon.info.swarmState);
}
