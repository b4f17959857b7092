/**
 * `moat enforce install`: the plugin spec file dockerd discovers the plugin through, written
 * atomically, and the daemon.json change that turns it on, computed but never applied: a
 * daemon restarted with an authorization plugin that is not yet serving exits, so the person
 * restarts it when the plugin runs.
 */
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MoatError } from '../../util/errors.ts';

export const DEFAULT_PLUGIN_NAME = 'moat';
export const DEFAULT_SOCKET = '/run/moat/enforce.sock';
export const DEFAULT_SPEC_DIR = '/etc/docker/plugins';
export const DEFAULT_DAEMON_JSON = '/etc/docker/daemon.json';

export interface InstallOptions {
  name?: string;
  socket?: string;
  specDir?: string;
  daemonConfig?: string;
}

export interface InstallResult {
  specFile: string;
  /** What the spec file holds: `unix:///run/moat/enforce.sock`. */
  address: string;
  daemonConfig: string;
  /** `authorization-plugins` as it is now (undefined: the file or the key is absent). */
  current?: string[];
  /** `authorization-plugins` as it must become. */
  proposed: string[];
  /** The whole daemon.json with the change, as text to paste (the file itself is not touched). */
  proposedDocument: string;
  alreadyConfigured: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function installPlugin(opts: InstallOptions = {}): InstallResult {
  const name = opts.name ?? DEFAULT_PLUGIN_NAME;
  if (!NAME.test(name)) throw new MoatError('usage', `plugin name "${name}" must be letters, digits, '.', '_' or '-' (dockerd looks it up as a file name)`);
  const socket = opts.socket ?? DEFAULT_SOCKET;
  if (!socket.startsWith('/')) throw new MoatError('usage', `--socket ${socket}: the daemon needs an absolute path`);
  const specDir = opts.specDir ?? DEFAULT_SPEC_DIR;
  const daemonConfig = opts.daemonConfig ?? DEFAULT_DAEMON_JSON;

  const doc = readDaemonJson(daemonConfig);
  const raw = doc['authorization-plugins'];
  if (raw !== undefined && !(Array.isArray(raw) && raw.every((p) => typeof p === 'string'))) {
    throw new MoatError('config', `${daemonConfig}: authorization-plugins must be a list of plugin names; fix it before installing`);
  }
  const current = raw as string[] | undefined;
  const alreadyConfigured = current?.includes(name) ?? false;
  const proposed = alreadyConfigured ? [...(current ?? [])] : [...(current ?? []), name];

  const address = `unix://${socket}`;
  const specFile = join(specDir, `${name}.spec`);
  writeAtomically(specDir, specFile, `${address}\n`);
  return {
    specFile,
    address,
    daemonConfig,
    ...(current ? { current } : {}),
    proposed,
    proposedDocument: `${JSON.stringify({ ...doc, 'authorization-plugins': proposed }, null, 2)}\n`,
    alreadyConfigured,
  };
}

function readDaemonJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new MoatError('config', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (use --daemon-config FILE)`);
  }
  if (text.trim() === '') return {};
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MoatError('config', `${path} is not valid JSON (${(e as Error).message}); dockerd would not start with it either`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new MoatError('config', `${path} must hold a JSON object`);
  return doc as Record<string, unknown>;
}

function writeAtomically(dir: string, file: string, text: string): void {
  const tmp = join(dir, `.${process.pid}.${Date.now()}.spec.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(tmp, text, { mode: 0o644, flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing was written */
    }
    throw new MoatError('incomplete', `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (run as root, or choose --spec-dir)`);
  }
}
