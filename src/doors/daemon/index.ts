/**
 * The daemon door: what the engine reports (`/version`, `/info`) and, when the daemon
 * runs on this machine, how it was configured (daemon.json and the dockerd command
 * line), merged under daemon.json's key names into one DaemonSpec.
 */
import { readSwarm } from '../swarm/index.ts';
import { readSwarmListeners } from '../swarm/listeners.ts';
import { posix } from 'node:path';
import type { EngineClient } from '../engine/client.ts';
import type { DaemonOption, DaemonSpec } from '../../models/daemon-spec.ts';
import { MoatError } from '../../util/errors.ts';
import { resolveUnder, underRoot } from '../host/files.ts';
import { readTextHere } from '../host/local-lookup.ts';
import { parseEngine } from '../engine/inspect-schema.ts';
import { parseDockerdArgv } from './argv.ts';
import { parseDaemonJson } from './config-file.ts';
import { InfoSchema, VersionSchema, infoFromApi, versionFromApi } from './engine.ts';
import { findDockerd } from './process.ts';
import { isRootless, readRootless } from './rootless.ts';

export { parseDockerdArgv, parseGoBool, parseUlimit } from './argv.ts';
export { parseDaemonJson } from './config-file.ts';
export { findJsonSyntaxError, lineColumn, type JsonSyntaxError } from './json-syntax.ts';
export { InfoSchema, VersionSchema, infoFromApi, parseSecurityOption, versionFromApi } from './engine.ts';
export { chooseDockerd, findDockerd, isRootlessProcess, listDockerd, parseCmdline, parseEnviron, type ChooseHints, type DockerdProcess } from './process.ts';
export { isRootless, parseSubIds, readRootless } from './rootless.ts';

export const DEFAULT_DAEMON_JSON = '/etc/docker/daemon.json';

export interface ReadDaemonOptions {
  /** Where the host's file system is mounted ('/' unless Moat runs in a container with the host under e.g. /host). */
  hostRoot?: string;
  /** daemon.json on the host, when dockerd's command line does not name one (`--config-file`); a relative path is taken from the current directory. */
  daemonConfigPath?: string;
}

/** Only the endpoint and GET are used, so any client that can answer them will do. */
export type DaemonClient = Pick<EngineClient, 'endpoint' | 'getJson'>;

export async function readDaemon(client: DaemonClient, opts: ReadDaemonOptions = {}): Promise<DaemonSpec> {
  const root = posix.resolve(opts.hostRoot ?? '/');
  const [versionRaw, infoRaw] = await Promise.all([client.getJson('/version'), client.getJson('/info')]);
  const version = versionFromApi(parseEngine(VersionSchema, versionRaw, 'GET /version'));
  const info = infoFromApi(parseEngine(InfoSchema, infoRaw, 'GET /info'));
  if (info.swarm) info.swarm = await readSwarm(client, info.swarm);

  const proc = await findDockerd(root, info.dockerRootDir || undefined);
  const local = client.endpoint.kind === 'unix' || proc !== undefined;
  if (proc && info.swarm?.manager) {
    const listeners = await readSwarmListeners(root, proc.pid);
    if (listeners) info.swarm.managementListeners = listeners;
  }
  const rootlessMode = isRootless(info);
  if (!local) return { version, info, options: new Map(), local, ...(rootlessMode ? { rootless: { subgids: [] } } : {}) };
  const rootless = rootlessMode
    ? await readRootless(root, { socket: client.endpoint.kind === 'unix' ? client.endpoint.socketPath : undefined, process: proc, dockerRootDir: info.dockerRootDir || undefined })
    : undefined;

  const argvOptions = proc ? parseDockerdArgv(proc.argv) : [];
  const named = argvOptions.find((o) => o.key === 'config-file')?.value;
  const path =
    typeof named === 'string' && named !== ''
      ? // dockerd resolves a relative --config-file against its own working directory.
        posix.resolve(proc?.cwd ?? '/', named)
      : opts.daemonConfigPath
        ? posix.resolve(opts.daemonConfigPath)
        : // A rootless dockerd reads $XDG_CONFIG_HOME/docker/daemon.json, never /etc/docker/daemon.json.
          rootless?.configDir
          ? `${rootless.configDir}/daemon.json`
          : DEFAULT_DAEMON_JSON;
  const text = await readConfigFile(root, path);
  const fileOptions = text === undefined ? [] : parseDaemonJson(text, path);

  return {
    version,
    info,
    options: mergeOptions(fileOptions, argvOptions),
    configFile: { path, present: text !== undefined },
    ...(proc ? { process: { pid: proc.pid, argv: proc.argv } } : {}),
    local,
    ...(rootless ? { rootless } : {}),
  };
}

/** One map by daemon.json key; the command line wins where both set a key (dockerd itself refuses most such conflicts). */
export function mergeOptions(fromFile: readonly DaemonOption[], fromArgv: readonly DaemonOption[]): Map<string, DaemonOption> {
  const out = new Map<string, DaemonOption>();
  for (const o of fromFile) out.set(o.key, o);
  for (const o of fromArgv) out.set(o.key, o);
  return out;
}

/** The file's text, or undefined when it does not exist; any other failure would leave the audit blind to the daemon's settings. */
async function readConfigFile(root: string, hostPath: string): Promise<string | undefined> {
  try {
    return await readTextHere(underRoot(root, await resolveUnder(root, hostPath, true)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied (run Moat as root to read it)' : (e as Error).message;
    throw new MoatError('incomplete', `cannot read ${hostPath}: ${why}; without it the daemon's configuration is unknown`);
  }
}
